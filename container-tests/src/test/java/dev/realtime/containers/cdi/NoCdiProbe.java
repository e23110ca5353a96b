package dev.realtime.containers.cdi;

import dev.realtime.Realtime;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * For a container without CDI, with realtime-cdi in WEB-INF/lib: whether the CDI API is visible to
 * the application, and whether realtime runs.
 */
@WebServlet("/probe/cdi")
public class NoCdiProbe extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        boolean cdi;
        try {
            Class.forName("jakarta.enterprise.inject.spi.CDI", false, getClass().getClassLoader());
            cdi = true;
        } catch (ClassNotFoundException e) {
            cdi = false;
        }
        resp.setContentType("application/json");
        resp.getWriter().write("{\"cdiVisible\":" + cdi + ",\"realtime\":" + (getServletContext().getAttribute(Realtime.ATTRIBUTE) != null) + "}");
    }
}

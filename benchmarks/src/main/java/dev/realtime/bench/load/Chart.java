package dev.realtime.bench.load;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Latency (p50 dashed, p99 solid) against publish rate, log-log, one colour per target and transport. Headless Java2D. */
final class Chart {
    private Chart() {
    }

    static void write(List<Results.Step> steps, Path png, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int w = 1000, h = 620, left = 80, right = 230, top = 50, bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);

        double xMin = Double.MAX_VALUE, xMax = 0;
        for (Results.Step s : steps) {
            xMin = Math.min(xMin, s.rate());
            xMax = Math.max(xMax, s.rate());
        }
        if (steps.isEmpty()) {
            xMin = 10;
            xMax = 1000;
        }
        xMin = Math.pow(10, Math.floor(Math.log10(xMin)));
        xMax = Math.pow(10, Math.ceil(Math.log10(xMax)));
        double yMin = 0.1, yMax = 10_000; // ms
        int pw = w - left - right, ph = h - top - bottom;

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(225, 225, 225));
        for (double x = xMin; x <= xMax * 1.001; x *= 10) {
            for (int k = 1; k < 10 && x * k <= xMax * 1.001; k++) {
                int px = left + (int) (pw * (Math.log10(x * k / xMin) / Math.log10(xMax / xMin)));
                g.setColor(k == 1 ? new Color(200, 200, 200) : new Color(235, 235, 235));
                g.drawLine(px, top, px, top + ph);
                if (k == 1) {
                    g.setColor(Color.DARK_GRAY);
                    g.drawString(fmt(x), px - 10, top + ph + 18);
                }
            }
        }
        for (double y = yMin; y <= yMax * 1.001; y *= 10) {
            int py = top + ph - (int) (ph * (Math.log10(y / yMin) / Math.log10(yMax / yMin)));
            g.setColor(new Color(200, 200, 200));
            g.drawLine(left, py, left + pw, py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(fmt(y), left - 45, py + 4);
        }
        int p100 = top + ph - (int) (ph * (Math.log10(100 / yMin) / Math.log10(yMax / yMin)));
        g.setColor(new Color(220, 60, 60));
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[]{2f, 4f}, 0f));
        g.drawLine(left, p100, left + pw, p100);
        g.drawString("p99 target 100 ms", left + 5, p100 - 4);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("published messages per second (log)", left + pw / 2 - 100, h - 20);
        g.rotate(-Math.PI / 2);
        g.drawString("end-to-end latency, ms (log)", -(top + ph / 2 + 80), 25);
        g.rotate(Math.PI / 2);

        Map<String, Color> colors = Map.of(
                "baseline/ws", new Color(120, 160, 230), "library/ws", new Color(20, 60, 170),
                "baseline/sse", new Color(140, 210, 140), "library/sse", new Color(20, 130, 40),
                "baseline/poll", new Color(240, 180, 110), "library/poll", new Color(200, 100, 0),
                "atmosphere/ws", new Color(150, 60, 190), "atmosphere/sse", new Color(190, 60, 130),
                "atmosphere/poll", new Color(120, 90, 60));
        Map<String, TreeMap<Integer, Results.Step>> series = new TreeMap<>();
        for (Results.Step s : steps) {
            series.computeIfAbsent(s.target() + "/" + s.transport(), k -> new TreeMap<>()).put(s.rate(), s);
        }
        int legendY = top + 10;
        for (Map.Entry<String, TreeMap<Integer, Results.Step>> e : series.entrySet()) {
            Color c = colors.getOrDefault(e.getKey(), Color.GRAY);
            for (int pass = 0; pass < 2; pass++) {
                g.setColor(c);
                g.setStroke(pass == 1 ? new BasicStroke(2.5f)
                        : new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[]{6f, 4f}, 0f));
                int px0 = -1, py0 = -1;
                for (Results.Step s : e.getValue().values()) {
                    double v = Math.max(yMin, Math.min(yMax, pass == 1 ? s.p99() : s.p50()));
                    int px = left + (int) (pw * (Math.log10(s.rate() / xMin) / Math.log10(xMax / xMin)));
                    int py = top + ph - (int) (ph * (Math.log10(v / yMin) / Math.log10(yMax / yMin)));
                    if (px0 >= 0) {
                        g.drawLine(px0, py0, px, py);
                    }
                    if (pass == 1) {
                        if (s.pass()) {
                            g.fillOval(px - 4, py - 4, 8, 8);
                        } else {
                            g.drawLine(px - 5, py - 5, px + 5, py + 5);
                            g.drawLine(px - 5, py + 5, px + 5, py - 5);
                        }
                    }
                    px0 = px;
                    py0 = py;
                }
            }
            g.setStroke(new BasicStroke(2.5f));
            g.drawLine(left + pw + 15, legendY, left + pw + 40, legendY);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), left + pw + 48, legendY + 4);
            legendY += 20;
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString("solid: p99, dashed: p50", left + pw + 15, legendY + 10);
        g.drawString("dot: pass, x: fail", left + pw + 15, legendY + 28);
        g.drawString("(fail = p99 >= 100 ms", left + pw + 15, legendY + 46);
        g.drawString(" or a message lost)", left + pw + 15, legendY + 62);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static String fmt(double v) {
        return v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}

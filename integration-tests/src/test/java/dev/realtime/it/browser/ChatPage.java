package dev.realtime.it.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** The chat sample page, driven the way a person uses it. */
final class ChatPage {
    static final Duration WAIT = Duration.ofSeconds(30);

    final WebDriver driver;
    final String name;
    /** The page's tab: several pages may be tabs of one browser. */
    final String handle;

    private ChatPage(WebDriver driver, String name) {
        this.driver = driver;
        this.name = name;
        this.handle = driver.getWindowHandle();
    }

    /** Opens the sample, in the browser's current tab, in {@code room} as {@code nick} with the transport selector set to {@code transport}. */
    static ChatPage open(WebDriver driver, URL base, String room, String nick, String transport) {
        driver.get(base + "?room=" + enc(room) + "&nick=" + enc(nick) + "&transport=" + enc(transport));
        ChatPage page = new ChatPage(driver, nick + "/" + transport);
        page.waitFor("the page script", () -> Boolean.TRUE.equals(page.js("return !!(window.realtimeChat && window.realtimeChat.client)")));
        // every state change from now on, to check that reconnects really happened
        page.js("window.__states = []; window.realtimeChat.client.on('state', d => window.__states.push(d.state));"
                // what the client delivered, before the page's own display logic
                + "window.__delivered = []; window.realtimeChat.client.on('message', m => { if (m.id !== undefined) window.__delivered.push(m.channel + '#' + m.id); });");
        return page;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) tab()).executeScript(script, args);
    }

    /** The driver, switched to this page's tab. */
    private WebDriver tab() {
        String current;
        try {
            current = driver.getWindowHandle();
        } catch (org.openqa.selenium.NoSuchWindowException closed) {
            current = null; // the tab the driver was on has been closed
        }
        if (!handle.equals(current)) {
            driver.switchTo().window(handle);
        }
        return driver;
    }

    void waitFor(String what, java.util.function.BooleanSupplier condition) {
        try {
            new WebDriverWait(driver, WAIT).until(d -> condition.getAsBoolean());
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(name + ": timed out waiting for " + what + " (state " + state() + " via "
                    + transport() + ", messages " + texts() + ")", e);
        }
    }

    /** Waits until the indicator says connected over {@code transport}. */
    ChatPage waitConnected(String transport) {
        waitFor("connected via " + transport, () -> "open".equals(state()) && transport.equals(transport()));
        return this;
    }

    String state() {
        return tab().findElement(By.id("state")).getDomAttribute("data-state");
    }

    String transport() {
        return tab().findElement(By.id("transport")).getDomAttribute("data-transport");
    }

    /** The share indicator: its mode ({@code worker}, {@code leader}, {@code none}) and text. */
    String shareMode() {
        return tab().findElement(By.id("share")).getDomAttribute("data-mode");
    }

    String shareText() {
        return tab().findElement(By.id("share")).getText();
    }

    /** The "back on WebSocket" note, or an empty string while it is hidden. */
    String climbNote() {
        WebElement note = tab().findElement(By.id("climb"));
        return note.isDisplayed() ? note.getText() : "";
    }

    /** channel#id of every message the client delivered since the page opened. */
    @SuppressWarnings("unchecked")
    List<String> delivered() {
        return (List<String>) js("return window.__delivered.slice()");
    }

    String transportLabel() {
        return tab().findElement(By.id("transport")).getText();
    }

    @SuppressWarnings("unchecked")
    List<String> stateHistory() {
        return (List<String>) js("return window.__states.slice()");
    }

    /** Types {@code text} and presses Send; returns once the server acknowledged it (the box is cleared). */
    void send(String text) {
        WebElement box = tab().findElement(By.id("text"));
        box.clear();
        box.sendKeys(text);
        tab().findElement(By.id("send")).click();
        waitFor("the ack of \"" + text + "\"", () -> box.getDomProperty("value").isEmpty()
                && tab().findElement(By.id("send")).isEnabled());
        String error = tab().findElement(By.id("send-error")).getText();
        if (!error.isEmpty()) {
            throw new AssertionError(name + ": sending \"" + text + "\" failed: " + error);
        }
    }

    /** The texts of the messages shown, in order. */
    @SuppressWarnings("unchecked")
    List<String> texts() {
        return (List<String>) js("return [...document.querySelectorAll('#messages li.message .text')].map(e => e.textContent)");
    }

    /** "nick: text" of the messages shown, in order. */
    @SuppressWarnings("unchecked")
    List<String> lines() {
        return (List<String>) js("return [...document.querySelectorAll('#messages li.message')]"
                + ".map(li => li.querySelector('.nick').textContent + ': ' + li.querySelector('.text').textContent)");
    }

    /** The message ids shown, in order. */
    @SuppressWarnings("unchecked")
    List<String> ids() {
        return (List<String>) js("return [...document.querySelectorAll('#messages li.message')].map(li => li.dataset.id)");
    }

    /** The nicks the room's presence shows (protocol 1.1), sorted. */
    List<String> online() {
        String members = tab().findElement(By.id("online")).getDomAttribute("data-members");
        return members == null || members.isEmpty() ? List.of() : List.of(members.split(","));
    }

    /** The "… is typing" line. */
    String typingLine() {
        return tab().findElement(By.id("typing")).getText();
    }

    /** Types into the message box without sending. */
    void type(String text) {
        tab().findElement(By.id("text")).sendKeys(text);
    }

    int gapNotices() {
        return tab().findElements(By.cssSelector("#messages .gap-notice, #notices .notice")).size();
    }

    /** Signs in as the nick in the name box (the sample's stand-in login); the page then connects with tickets. */
    ChatPage signIn() {
        tab().findElement(By.id("sign-in")).click();
        waitFor("signed in", () -> tab().findElement(By.id("signed-in")).isDisplayed());
        return this;
    }

    /** Opens a room from the room list. */
    ChatPage selectRoom(String room) {
        // found and clicked in one script: the list is drawn again whenever a message arrives
        waitFor("room #" + room + " opened", () -> Boolean.TRUE.equals(js("const b = document.querySelector(\"button[data-room='\" + arguments[0]"
                + " + \"']\"); if (b) b.click(); return !!b && document.getElementById('room-name').textContent === '#' + arguments[0];", room)));
        return this;
    }

    /** Waits until the page shows at least every text in {@code expected}. */
    ChatPage waitForTexts(List<String> expected) {
        waitFor("messages " + expected, () -> texts().containsAll(expected));
        return this;
    }
}

package dev.dispatch.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver by Selenium, for
 * tests of pages the service serves. Without {@code chromium} and {@code chromedriver} on
 * the machine, {@link #start} skips the test on a developer's machine and fails it on CI
 * (see {@link ExternalTool}).
 *
 * <p>
 * Nothing is fetched: the driver and the browser are named outright, so Selenium Manager
 * (which would look for, and download, a browser and a driver of its own) is never run,
 * and were it run all the same, {@code SE_OFFLINE} keeps it off the network. The browser
 * starts with a profile of its own in a fresh directory, deleted by {@link #close}, and
 * with its background traffic (updates, first-run pages, component downloads) off.
 *
 * <p>
 * One instance serves one test class ({@code @BeforeAll} to {@code @AfterAll}); it is not
 * thread-safe.
 */
public final class HeadlessChromium implements AutoCloseable {

	private static final String INSTALL = "Debian: apt-get install chromium chromium-driver";

	/** How long a wait for the page may take before the test fails. */
	public static final Duration PATIENCE = Duration.ofSeconds(15);

	/** Where screenshots go, for review (docs/operations.md shows copies). */
	public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

	private final ChromeDriver driver;

	private final Path profile;

	private HeadlessChromium(ChromeDriver driver, Path profile) {
		this.driver = driver;
		this.profile = profile;
	}

	/** Starts the browser, or skips (fails, on CI) the test when it is not installed. */
	public static HeadlessChromium start() throws IOException {
		Path chromium = ExternalTool.require("chromium", INSTALL);
		Path chromedriver = ExternalTool.require("chromedriver", INSTALL);
		System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, chromedriver.toString());
		System.setProperty("SE_OFFLINE", "true");
		Path profile = Files.createTempDirectory("dispatch-chromium-");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--no-first-run",
				"--no-default-browser-check", "--lang=en-US", "--window-size=1280,860", "--user-data-dir=" + profile);
		Files.createDirectories(Path.of("target"));
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
			.usingAnyFreePort()
			.withLogFile(Path.of("target", "chromedriver.log").toFile())
			.build();
		try {
			return new HeadlessChromium(new ChromeDriver(service, options), profile);
		}
		catch (RuntimeException ex) {
			delete(profile);
			throw ex;
		}
	}

	public WebDriver driver() {
		return this.driver;
	}

	/** Waits until {@code condition} answers something other than null or false. */
	public <T> T await(Function<WebDriver, T> condition) {
		return new WebDriverWait(this.driver, PATIENCE).until(condition);
	}

	/** Runs a script in the page and answers its result. */
	public Object script(String script, Object... arguments) {
		return this.driver.executeScript(script, arguments);
	}

	/** Writes what the browser shows to {@code target/console-screenshots/NAME.png}. */
	public Path screenshot(String name) throws IOException {
		Files.createDirectories(SCREENSHOTS);
		Path file = SCREENSHOTS.resolve(name + ".png");
		Files.write(file, ((TakesScreenshot) this.driver).getScreenshotAs(OutputType.BYTES));
		return file;
	}

	/** Quits the browser and its driver, and deletes the profile. Idempotent. */
	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			delete(this.profile);
		}
	}

	private static void delete(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

package dev.dispatch.web.console;

import java.util.List;

import io.swagger.v3.oas.annotations.Hidden;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where the web console lives (docs/operations.md, "Web console"): its page at
 * {@code /console/}, and {@code /} leading there. The console's scripts and styles are
 * static resources beside its page ({@code static/console/}); they hold no data, and each
 * of the console's API calls carries the caller's own credentials.
 */
@RestController
@Hidden
class ConsoleController {

	private static final Resource PAGE = new ClassPathResource("static/console/index.html");

	private static final Links LINKS = new Links("/console/", "/v1/queues", "/v3/api-docs");

	/**
	 * A browser (one that asks for HTML by name) is sent to the console; a program gets
	 * the links as JSON. The redirects' locations are relative, so that a path prefix in
	 * front of the service keeps working.
	 */
	@GetMapping("/")
	ResponseEntity<Links> root(@RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
		if (asksForHtml(accept)) {
			return ResponseEntity.status(HttpStatus.FOUND)
				.header(HttpHeaders.LOCATION, "console/")
				.header(HttpHeaders.VARY, HttpHeaders.ACCEPT)
				.build();
		}
		return ResponseEntity.ok()
			.header(HttpHeaders.VARY, HttpHeaders.ACCEPT)
			.contentType(MediaType.APPLICATION_JSON)
			.body(LINKS);
	}

	/** The page's scripts and styles are named relative to {@code /console/}. */
	@GetMapping("/console")
	ResponseEntity<Void> consoleWithoutSlash() {
		return ResponseEntity.status(HttpStatus.MOVED_PERMANENTLY).header(HttpHeaders.LOCATION, "console/").build();
	}

	@GetMapping("/console/")
	ResponseEntity<Resource> console() {
		return ResponseEntity.ok().contentType(MediaType.TEXT_HTML).body(PAGE);
	}

	private static boolean asksForHtml(String accept) {
		if (accept == null) {
			return false;
		}
		try {
			List<MediaType> types = MediaType.parseMediaTypes(accept);
			return types.stream()
				.anyMatch((type) -> MediaType.TEXT_HTML.equalsTypeAndSubtype(type) && type.getQualityValue() > 0);
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	/** What {@code /} tells a program: where things are. */
	record Links(String console, String queues, String openapi) {
	}

}

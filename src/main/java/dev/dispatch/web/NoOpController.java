package dev.dispatch.web;

import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An endpoint that does nothing, for the load harness ({@code bench/load.sh}): what the
 * same server, filters and Spring MVC cost per request with no queue behind them — the
 * ceiling the queue endpoints are measured against. Exists only with the {@code bench}
 * profile.
 */
@RestController
@Profile("bench")
class NoOpController {

	@PostMapping("/bench/noop")
	ResponseEntity<Void> noOp() {
		return ResponseEntity.noContent().build();
	}

}

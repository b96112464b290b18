package dev.dispatch.web;

import org.springframework.http.HttpStatus;

/** A request the API cannot act on as sent: 400 {@code invalid-request}. */
class InvalidRequestException extends DispatchProblem {

	InvalidRequestException(String detail) {
		super(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail);
	}

}

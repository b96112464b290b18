package dev.dispatch.web;

/** A request the API cannot act on as sent: 400 {@code invalid-request}. */
class InvalidRequestException extends DispatchProblem {

	InvalidRequestException(String detail) {
		super(ProblemType.INVALID_REQUEST, detail);
	}

}

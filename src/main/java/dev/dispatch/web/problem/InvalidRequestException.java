package dev.dispatch.web.problem;

/** A request the API cannot act on as sent: 400 {@code invalid-request}. */
public class InvalidRequestException extends DispatchProblem {

	public InvalidRequestException(String detail) {
		super(ProblemType.INVALID_REQUEST, detail);
	}

}

package dev.dispatch.web.fastpath;

import java.io.IOException;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * An API answer sent whole, in one write with a {@code Content-Length}. Spring's message
 * converters flush the response once the body is written; a flush commits it before the
 * container knows its length, so it went out chunked, and its last chunk in a second
 * write (a second system call and TCP segment per answer, and a second read for the
 * client). Flushes are not passed on here: the container sends the answer when the
 * request completes, or as it is written once it outgrows the response buffer (32 KiB).
 * The API streams nothing, so no answer waits on a flush.
 */
public final class WholeAnswer extends HttpServletResponseWrapper {

	private ServletOutputStream body;

	public WholeAnswer(HttpServletResponse response) {
		super(response);
	}

	@Override
	public void flushBuffer() {
		// sent when the request completes
	}

	@Override
	public ServletOutputStream getOutputStream() throws IOException {
		if (this.body == null) {
			this.body = new Unflushed(super.getOutputStream());
		}
		return this.body;
	}

	private static final class Unflushed extends ServletOutputStream {

		private final ServletOutputStream out;

		Unflushed(ServletOutputStream out) {
			this.out = out;
		}

		@Override
		public void write(int b) throws IOException {
			this.out.write(b);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			this.out.write(bytes, offset, length);
		}

		@Override
		public void flush() {
			// sent when the request completes
		}

		@Override
		public void close() throws IOException {
			this.out.close();
		}

		@Override
		public boolean isReady() {
			return this.out.isReady();
		}

		@Override
		public void setWriteListener(WriteListener listener) {
			this.out.setWriteListener(listener);
		}

	}

}

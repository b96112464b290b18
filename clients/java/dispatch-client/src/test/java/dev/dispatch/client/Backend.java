package dev.dispatch.client;

/** The service's backends; every test that talks to the service runs on both. */
enum Backend {

	MEMORY, REDIS

}

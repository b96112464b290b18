package dev.dispatch.client.spring;

import dev.dispatch.client.test.Backend;
import dev.dispatch.client.test.WithDispatchServer;

@WithDispatchServer(backend = Backend.MEMORY)
class MemoryListenerTest extends DispatchListenerTests {

}

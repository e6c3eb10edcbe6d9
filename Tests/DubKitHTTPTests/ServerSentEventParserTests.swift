import DubKitHTTP
import Testing

@Suite struct ServerSentEventParserTests {
    @Test func parsesEventsSplitAcrossChunksWithCRLFCommentsAndMultiLineData() {
        var parser = ServerSentEventParser()
        let stream = ": keep-alive\r\nevent: progress\r\nid: 7\r\ndata: line one\r\ndata: line two\r\n\r\ndata:plain\n\n"
        var events: [ServerSentEvent] = []
        // Feed byte by byte so CR and LF of one line end fall into different chunks.
        for byte in Array(stream.utf8) { events += parser.feed([byte]) }
        #expect(events == [
            ServerSentEvent(event: "progress", data: "line one\nline two", id: "7"),
            ServerSentEvent(event: "message", data: "plain", id: "7"),
        ])
    }

    @Test func eventWithoutDataOrBlankLineIsNotDispatched() {
        var parser = ServerSentEventParser()
        #expect(parser.feed(Array("event: ping\n\ndata: unfinished\n".utf8)).isEmpty)
    }
}

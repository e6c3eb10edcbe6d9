import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A socket on 127.0.0.1 that listens but never accepts, with its backlog already filled, so a new
/// connection attempt hangs in the handshake: for connect-timeout tests. Closed when released.
public final class UnacceptingListener: Sendable {
    /// The port that never answers.
    public let port: UInt16
    private let descriptors: [Int32]

    /// Opens the listener and fills its backlog.
    public init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw Self.failure("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, size) }
        }
        guard bound == 0, listen(listener, 0) == 0 else {
            close(listener)
            throw Self.failure("bind/listen")
        }
        var length = size
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        var open = [listener]
        // Fill the accept queue; later handshakes are then ignored by the kernel.
        for _ in 0..<4 {
            let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard client >= 0 else { break }
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, size) }
            }
            open.append(client)
        }
        Thread.sleep(forTimeInterval: 0.05)
        descriptors = open
    }

    deinit {
        for fd in descriptors { close(fd) }
    }

    private static func failure(_ call: String) -> NSError {
        NSError(domain: NSPOSIXErrorDomain, code: Int(errno),
                userInfo: [NSLocalizedDescriptionKey: "\(call): \(String(cString: strerror(errno)))"])
    }
}

import Foundation

/// A read that did not finish in time (a worker waiting for a wake-up that never comes): the test
/// fails with this error, naming the case, instead of hanging the suite.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var seconds: Int
    var what: String
    var description: String { "\(what) did not finish in \(seconds) s" }
}

/// Runs `body` on a thread of its own and returns its result, or throws `DeadlineExceeded` when it has
/// not returned after `seconds` (the thread is then left blocked; the test fails).
func withDeadline<T: Sendable>(_ seconds: Int, _ what: @autoclosure () -> String,
                               _ body: @escaping @Sendable () -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let result = ResultBox<T>()
    Thread.detachNewThread {
        result.set(body())
        done.signal()
    }
    guard done.wait(timeout: .now() + .seconds(seconds)) == .success, let value = result.value else {
        throw DeadlineExceeded(seconds: seconds, what: what())
    }
    return value
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T? = nil

    func set(_ value: T) { lock.withLock { stored = value } }
    var value: T? { lock.withLock { stored } }
}

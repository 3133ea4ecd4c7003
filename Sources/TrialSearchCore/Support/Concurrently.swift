#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Runs `background` on a new thread while `foreground` runs on the calling thread, and returns when
/// both are done: the two independent halves of a merge keep both cores busy. Rethrows the
/// foreground's error first, else the background's. When no thread can be started, `background` runs
/// after `foreground` on the calling thread.
///
/// Wraps `pthread_create` and `pthread_join`; the thread never outlives the call.
func concurrently(_ foreground: () throws -> Void, background: @escaping @Sendable () throws -> Void) throws {
    final class Task: @unchecked Sendable {
        let body: @Sendable () throws -> Void
        let error = Mutex<(any Error)?>(nil)
        init(_ body: @escaping @Sendable () throws -> Void) { self.body = body }
        func run() {
            do { try body() } catch let e { error.withLock { $0 = e } }
        }
    }
    let task = Task(background)
    let box = Unmanaged.passRetained(task)
    var thread = pthread_t()
    let started = pthread_create(&thread, nil, { raw in
        guard let raw else { return nil }
        Unmanaged<Task>.fromOpaque(raw).takeRetainedValue().run()
        return nil
    }, box.toOpaque()) == 0
    if !started { box.release() }
    var foregroundError: (any Error)?
    do { try foreground() } catch { foregroundError = error }
    if started {
        pthread_join(thread, nil)
    } else {
        task.run()
    }
    if let foregroundError { throw foregroundError }
    if let error = task.error.withLock({ $0 }) { throw error }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex with a condition variable, for the reorder step where threads wait for each other.
///
/// Wraps `pthread_mutex_t` and `pthread_cond_t`, allocated once and destroyed in `deinit`; the
/// pointers never leave this object. `Synchronization.Mutex` has no condition variable, and Foundation
/// is kept out of the ingestion module.
final class ConditionLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        let m = pthread_mutex_init(mutex, nil)
        let c = pthread_cond_init(condition, nil)
        precondition(m == 0 && c == 0, "pthread init failed: \(m) \(c)")
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    /// Runs `body` holding the lock.
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Waits (the lock held, as inside `withLock`) until woken; the caller rechecks its condition.
    func wait() {
        pthread_cond_wait(condition, mutex)
    }

    /// Wakes every waiting thread.
    func broadcast() {
        pthread_cond_broadcast(condition)
    }
}

/// Worker threads: started together, joined together.
///
/// Wraps `pthread_create`/`pthread_join`; the thread handles stay inside. A thread that cannot be
/// started (resource exhaustion) is left out: `count` says how many run.
struct ThreadGroup: ~Copyable {
    private var threads: [pthread_t] = []

    /// How many threads were started.
    var count: Int { threads.count }

    /// Starts `count` threads running `body(index)`.
    static func start(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) -> ThreadGroup {
        final class Box: @unchecked Sendable {
            let run: () -> Void
            init(_ run: @escaping () -> Void) { self.run = run }
        }
        var group = ThreadGroup()
        for index in 0..<count {
            let box = Unmanaged.passRetained(Box { body(index) })
            var thread = pthread_t()
            let result = pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, box.toOpaque())
            if result == 0 {
                group.threads.append(thread)
            } else {
                box.release()
            }
        }
        return group
    }

    /// Waits for every thread to end.
    consuming func join() {
        for thread in threads { pthread_join(thread, nil) }
    }
}

/// Runs `count` threads of `body(index)` and waits for them all; when no thread can be started, runs
/// the bodies one after the other on the calling thread.
func runThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = ThreadGroup.start(count, body)
    if group.count == 0 {
        for index in 0..<count { body(index) }
    }
    group.join()
}

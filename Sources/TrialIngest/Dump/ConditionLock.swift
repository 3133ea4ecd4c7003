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
/// is kept out of the ingestion module (threads: `ThreadGroup`).
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

#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex and condition variable, the one owner of both (destroyed in `deinit`).
final class Condition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    func wait() { pthread_cond_wait(cond, mutex) }
    func broadcast() { pthread_cond_broadcast(cond) }
}

/// Threads running one closure each (`pthread_create`, 8 MB stacks), joined by `join()`.
struct WorkerThreads {
    private var threads: [pthread_t] = []

    /// Starts `count` threads running `body(index)`.
    static func start(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) -> WorkerThreads {
        var group = WorkerThreads()
        for i in 0..<count {
            let box = Unmanaged.passRetained(ThreadBody { body(i) })
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            pthread_attr_setstacksize(&attributes, 8 << 20)
            var thread = pthread_t()
            let result = pthread_create(&thread, &attributes, { raw in
                guard let raw else { return nil }
                let body = Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue()
                body.run()
                return nil
            }, box.toOpaque())
            pthread_attr_destroy(&attributes)
            if result == 0 {
                group.threads.append(thread)
            } else {
                box.release()
            }
        }
        return group
    }

    /// Threads actually started.
    var count: Int { threads.count }

    func join() {
        for t in threads { pthread_join(t, nil) }
    }
}

private final class ThreadBody: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

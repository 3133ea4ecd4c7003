#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

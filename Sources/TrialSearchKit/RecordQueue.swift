import TrialSearchCore

/// A bounded blocking queue of numbered records between the reading thread and the index workers.
/// `@unchecked Sendable`: every access to its state holds `condition`.
final class RecordQueue: @unchecked Sendable {
    private let condition = Condition()
    private var items: [(Trial, Int)] = []
    private var head = 0
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room, then appends (dropped once the queue is closed).
    func push(_ item: (Trial, Int)) {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !closed { condition.wait() }
        guard !closed else { return }
        items.append(item)
        condition.broadcast()
    }

    /// The next record, or nil once the queue is closed and empty.
    func pop() -> (Trial, Int)? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed { condition.wait() }
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }

    /// No more pushes; waiting workers drain what is left and stop.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

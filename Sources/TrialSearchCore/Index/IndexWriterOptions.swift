/// How an `IndexWriter` builds and commits.
public struct IndexWriterOptions: Sendable {
    /// Memory for in-memory segments, shared by the workers (default 256 MB): each worker flushes its
    /// segment when it holds `ramBudgetBytes / workerCount`.
    public var ramBudgetBytes: Int
    /// Worker threads that will call `makeWorker()` (used to split the RAM budget).
    public var workerCount: Int
    /// Build a complete new index from this run's records only, replacing the old one in the commit.
    public var rebuild: Bool
    /// Wait for another writer to finish instead of failing with `IndexError.locked`.
    public var waitForLock: Bool
    /// The analyzer that indexes text (its fingerprint goes into the manifest).
    public var analyzer: AnalyzerConfiguration
    public var mergePolicy: MergePolicy

    public init(ramBudgetBytes: Int = 256 << 20, workerCount: Int = 2, rebuild: Bool = false,
                waitForLock: Bool = false, analyzer: AnalyzerConfiguration = .default,
                mergePolicy: MergePolicy = MergePolicy()) {
        precondition(ramBudgetBytes > 0 && workerCount > 0, "RAM budget \(ramBudgetBytes), workers \(workerCount)")
        self.ramBudgetBytes = ramBudgetBytes
        self.workerCount = workerCount
        self.rebuild = rebuild
        self.waitForLock = waitForLock
        self.analyzer = analyzer
        self.mergePolicy = mergePolicy
    }
}

/// What an index run did, counted per record read (a record lands in exactly one of added, replaced,
/// unchanged, older) plus the deletions asked for.
public struct IndexSummary: Sendable, Equatable {
    /// Records of trial ids the index did not have.
    public var added = 0
    /// Records that replaced the indexed record of their trial id.
    public var replaced = 0
    /// Records identical to the record that the index keeps for their id (the content hash ignores the
    /// source file and entry).
    public var unchanged = 0
    /// Records skipped because the index, or another record of the same run, has a more authoritative
    /// or newer record of the trial.
    public var older = 0
    /// Trials deleted by id.
    public var deleted = 0
    /// Ids asked to be deleted that the index does not hold.
    public var notFound: [TrialID] = []
    /// Whether a new manifest was committed (false when nothing changed).
    public var committed = false
    /// The manifest generation after the run.
    public var generation = 0
    /// Segments after the run.
    public var segmentCount = 0
    /// Live trials after the run.
    public var liveDocCount = 0
    /// Segments written by merges during the commit.
    public var mergesDone = 0

    public init() {}

    /// Records accounted for (excluding deletions).
    public var recordCount: Int { added + replaced + unchanged + older }
}

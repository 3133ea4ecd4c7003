import Synchronization
import Testing
@testable import TrialIngest
import TrialSearchCore

/// The whole shared corpus (`../shared/corpus`, or `$TRIALSEARCH_SHARED/corpus`): every record of every
/// format parses with zero errors and has an id, a title and a registry. Skipped, with a message, on a
/// clone without the corpus.
@Suite struct CorpusTests {
    /// Reads `relative` inside the corpus with two workers; returns the trials and the errors.
    private func read(_ relative: String) throws -> (trials: [Trial], errors: [IngestError])? {
        guard let corpus = Fixtures.sharedCorpus else {
            print("CorpusTests: \(relative) skipped: no shared corpus at ../shared/corpus (set TRIALSEARCH_SHARED)")
            return nil
        }
        let reader = try DumpReader(paths: [corpus + "/" + relative])
        let collected = Mutex<(trials: [Trial], errors: [IngestError])>(([], []))
        reader.read(workers: 2) { _, result in
            collected.withLock {
                switch result {
                case .success(let trial): $0.trials.append(trial)
                case .failure(let error): $0.errors.append(error)
                }
            }
        }
        return collected.withLock { $0 }
    }

    private func expectComplete(_ trials: [Trial]) {
        for trial in trials {
            #expect(!trial.id.rawValue.isEmpty)
            #expect(!trial.briefTitle.isEmpty || !trial.officialTitle.isEmpty, "\(trial.id) has no title")
            #expect(!trial.registry.isEmpty, "\(trial.id) has no registry")
        }
    }

    @Test func everyClinicalTrialsGovXMLRecord() throws {
        guard let (trials, errors) = try read("ctgov-xml.zip") else { return }
        #expect(errors.isEmpty, "\(errors.prefix(5))")
        #expect(trials.count == 10_614)
        #expect(Set(trials.map(\.id)).count == 10_614)
        #expect(trials.allSatisfy { $0.source.format == .clinicalStudyXML && $0.registry == "ClinicalTrials.gov" })
        expectComplete(trials)
        // The nine premature ovarian insufficiency cell-therapy trials are there.
        let ids = Set(trials.map(\.id.rawValue))
        for id in ["NCT01742533", "NCT01853501", "NCT02043743", "NCT02603744", "NCT02644447", "NCT02779374",
                   "NCT03033277", "NCT03816852", "NCT03877471"] {
            #expect(ids.contains(id))
        }
        // Dates, statuses and phases come out in the one vocabulary.
        // Old (lastchanged_date, firstreceived_date) or new (last_update_posted, study_first_posted) tags:
        // every record has both dates.
        #expect(trials.allSatisfy { $0.lastUpdated != nil && $0.firstPosted != nil })
        let phases = Set(trials.flatMap(\.phases))
        #expect(phases.isSubset(of: ["Early Phase 1", "Phase 1", "Phase 2", "Phase 3", "Phase 4", "N/A"]))
    }

    @Test func everyAPIv2Study() throws {
        guard let (trials, errors) = try read("ctgov-json.zip") else { return }
        #expect(errors.isEmpty, "\(errors.prefix(5))")
        #expect(trials.count == 1_446)
        #expect(trials.allSatisfy { $0.source.format == .studyJSON })
        expectComplete(trials)
        let statuses = Set(trials.map(\.overallStatus))
        #expect(statuses.isSubset(of: ["Active, not recruiting", "Completed", "Enrolling by invitation", "Not yet recruiting",
                                       "Recruiting", "Suspended", "Terminated", "Unknown status", "Withdrawn"]))
    }

    @Test func everyICTRPTrial() throws {
        guard let (trials, errors) = try read("ictrp") else { return }
        #expect(errors.isEmpty, "\(errors.prefix(5))")
        #expect(trials.count == 578)
        #expect(trials.filter { $0.registry == "ChiCTR" }.count == 476)
        #expect(trials.filter { $0.registry == "ClinicalTrials.gov" }.count == 102)
        #expect(trials.allSatisfy { $0.lastUpdated == nil })
        expectComplete(trials)
        // No padding or HTML left in any text.
        for trial in trials {
            for text in [trial.briefTitle, trial.officialTitle, trial.eligibility.criteria] {
                #expect(!text.hasSuffix(" ") && !text.contains("<br>") && !text.contains("&#32;"), "\(trial.id)")
            }
        }
    }

    /// The sample shipped in `Corpus/` (always present): every record reads, and the README's first
    /// example has its trials.
    @Test func theShippedCorpus() throws {
        let (trials, errors, _) = try readAll([Fixtures.root + "/Corpus"], workers: 2)
        #expect(errors.isEmpty, "\(errors.prefix(5))")
        #expect(trials.count == 2_200 + 462 + 578 + 1)
        let ids = Set(trials.map(\.id.rawValue))
        for id in ["NCT01742533", "NCT01853501", "NCT02043743", "NCT02603744", "NCT02644447", "NCT02779374",
                   "NCT03033277", "NCT03816852", "NCT03877471", "NCT05308342"] {
            #expect(ids.contains(id), "\(id)")
        }
        #expect(!ids.contains("README"))
        expectComplete(trials)
    }

    @Test func theTextDump() throws {
        guard let (trials, errors) = try read("text") else { return }
        #expect(errors.isEmpty)
        #expect(trials.map(\.id.rawValue) == ["NCT05308342"])
        #expect(trials.first?.relatedIds == ["NCT06132542", "NCT06578039"])
        expectComplete(trials)
    }
}

import ArgumentParser
import TrialSearchCore
import TrialSearchKit

extension TrialSearchCommand {
    /// `trialsearch show ID [--json]`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a trial's whole stored record.",
            discussion: """
                Prints every property of the record the index holds for ID,
                labeled, for people; with --json, one JSON object exactly as
                `trialsearch convert` prints records.

                EXIT STATUS
                0 the record printed; 5 the index is missing or damaged; 6 no
                such trial in the index; 64 bad command-line usage.
                """)

        @Argument(help: "The trial id (e.g. NCT05308342).")
        var id: String

        @Flag(help: "Print the record as one JSON object (the form `trialsearch convert` prints).")
        var json = false

        @OptionGroup var indexOptions: IndexOptions

        func validate() throws {
            if TrialID(id) == nil { throw ValidationError("empty trial id") }
        }

        func run() throws {
            guard let trialID = TrialID(id) else { return }
            let engine = try Session.openEngine(indexOptions)
            let trial = try Session.run { () throws -> Trial in
                guard let trial = try engine.trial(trialID) else {
                    throw EngineError.unknownTrial(id: trialID, directory: engine.directory)
                }
                return trial
            }
            print(json ? trial.jsonString : TrialText.format(trial))
        }
    }
}

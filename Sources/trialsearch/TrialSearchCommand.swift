import ArgumentParser

/// The root command: lists the subcommands; a bare query runs `search`.
@main
struct TrialSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trialsearch",
        abstract: "Search clinical-trial registries and find related trials.",
        subcommands: [Search.self, Related.self, Show.self, Convert.self, Index.self, Stats.self, Check.self],
        defaultSubcommand: Search.self
    )
}

import ArgumentParser
import TrialSearchCore

/// The filters shared by `search` and `related` (`SearchFilter`): each one set must hold; a repeated
/// option admits any of its values.
struct FilterOptions: ParsableArguments {
    @Option(name: .customLong("status"), help: ArgumentHelp(
        "Recruitment status (repeatable): recruiting, \"not yet recruiting\", active, completed, terminated, …",
        valueName: "status"))
    var statuses: [String] = []

    @Option(name: .customLong("phase"), help: ArgumentHelp(
        "Phase (repeatable): 0 (early phase 1), 1, 2, 3, 4, n/a; \"Phase 2\" and II also work.", valueName: "phase"))
    var phases: [String] = []

    @Option(name: .customLong("type"), help: ArgumentHelp(
        "Study type (repeatable): interventional, observational, \"expanded access\".", valueName: "type"))
    var studyTypes: [String] = []

    @Option(help: ArgumentHelp("Trials open to this sex: female, male (each also admits trials open to all), all.",
                               valueName: "sex"))
    var sex: String?

    @Option(help: ArgumentHelp("Trials whose age limits admit this age in years.", valueName: "years"))
    var age: Double?

    @Option(name: .customLong("country"), help: ArgumentHelp(
        "A country with a site (repeatable), as registries write it: \"United States\" (or usa), China, France, …",
        valueName: "country"))
    var countries: [String] = []

    @Option(name: .customLong("registry"), help: ArgumentHelp(
        "The registry (repeatable): ClinicalTrials.gov (or ctgov), ChiCTR, ISRCTN, EU-CTR, …", valueName: "registry"))
    var registries: [String] = []

    @Option(name: .customLong("updated-after"), help: ArgumentHelp(
        "Trials last updated on or after this date (YYYY-MM-DD or YYYY-MM).", valueName: "date"))
    var updatedAfter: String?

    func validate() throws {
        _ = try filter()
    }

    /// The filter, or a `ValidationError` naming the bad value.
    func filter() throws -> SearchFilter {
        var phaseSet: PhaseSet = []
        for phase in phases {
            let set = PhaseSet(phase: phase)
            guard !set.isEmpty, set != .other else {
                throw ValidationError("unknown phase '\(phase)': use 0 (early phase 1), 1, 2, 3, 4 or n/a")
            }
            phaseSet.insert(set)
        }
        var sexValue: SearchFilter.Sex?
        if let sex {
            guard let value = SearchFilter.Sex(rawValue: sex.lowercased()) else {
                throw ValidationError("unknown sex '\(sex)': use female, male or all")
            }
            sexValue = value
        }
        if let age, !(age >= 0 && age < 150) {
            throw ValidationError("age \(age) out of range: give years between 0 and 150")
        }
        var date: PartialDate?
        if let updatedAfter {
            guard let parsed = PartialDate(iso: updatedAfter) else {
                throw ValidationError("bad date '\(updatedAfter)' for --updated-after: use YYYY-MM-DD or YYYY-MM")
            }
            date = parsed
        }
        return SearchFilter(statuses: statuses, phases: phaseSet, studyTypes: studyTypes, sex: sexValue, age: age,
                            countries: countries, registries: registries, updatedAfter: date)
    }
}

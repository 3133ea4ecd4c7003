import TrialSearchCore

/// Reads one ClinicalTrials.gov legacy XML record (`<clinical_study>`) into a `Trial`.
///
/// Every variant of the registry's dumps is read the same way: 2013 files with a DTD reference, the
/// 2016–2017 date tags (`firstreceived_date`, `lastchanged_date`) and the 2018+ ones
/// (`study_first_posted`, `last_update_posted`), CRLF files, the 2022–2023 `&#xD;` line ends, search
/// results with `<clinical_study rank="N">`. `clinical_results` is cut out before libxml2 parses the
/// record (`ClinicalResultsSection`: not read, not validated), and so are the root's other children that
/// `Trial` has no property for (`UnreadElements`: `required_header`, `reference`, the `*_submitted*` dates,
/// …; not validated either: their well-formedness, UTF-8 and depth are not checked) when libxml2 proves
/// them children of the root (else the record is parsed with them); the other elements `Trial` has no
/// property for are skipped without being looked at. CRLF records are parsed with their CR LF pairs
/// (and any other CR) as LF, and the results section is cut without keeping its line ends
/// (`SAXParser`'s `joiningLineEnds`: the same events, libxml2's fast text path; in LF records the
/// 2022–2023 `&#xD;` line ends are dropped before their LF, the same text to `TextNormalizer`); a record that fails to
/// parse that way is parsed again as published (line ends kept), so errors are the bytes'. A record
/// that fails and is not UTF-8 is "not UTF-8" at its first bad byte, whatever else is wrong (which
/// error libxml2 met first depended on the line ends: `XMLErrorPlace`). One reader
/// per worker: it owns a `SAXParser` and reuses its buffers across records.
public final class ClinicalStudyXML {
    private let parser: SAXParser
    private let handler = ClinicalStudyXMLHandler()
    private let unread = UnreadElements()

    public init(options: IngestOptions = IngestOptions()) {
        parser = SAXParser(maxDepth: options.maxXMLDepth)
    }

    /// Parses one record.
    /// - Throws: `IngestError.notUTF8` (the first bad byte and its line), `.malformedXML` (with
    ///   libxml2's message and line), `.tooDeep`, or `.missingField` when the record has no `nct_id`.
    public func read(_ bytes: UnsafeRawBufferPointer, source: RecordSource,
                     at location: IngestLocation) throws(IngestError) -> Trial {
        // The results section and the root's other children the handler skips, in one pass; the latter
        // left out too when libxml2 proves them children of the root (`UnreadElements`); else, or when
        // that parse fails, the record is parsed without leaving them out.
        unread.find(in: bytes)
        let results = unread.results
        if !unread.ranges.isEmpty {
            handler.reset(source: source)
            let held: Bool
            do throws(IngestError) {
                try parser.parse(bytes, delegate: handler, at: location, omitting: results, unread: unread.ranges,
                                 joiningLineEnds: true)
                held = parser.leftOutUnread
            } catch {
                held = false
            }
            if held { return try finish(at: location) }
        }
        handler.reset(source: source)
        do throws(IngestError) {
            try parser.parse(bytes, delegate: handler, at: location, omitting: results, joiningLineEnds: true)
        } catch {
            // Errors come from the bytes as published: their lines, and the bytes libxml2 quotes (a
            // byte that is not UTF-8 was already found in them; lone CRs: `SAXParser`'s error path).
            guard parser.joinedLineEnds else { throw error }
            if case .notUTF8 = error { throw error }
            handler.reset(source: source)
            try parser.parse(bytes, delegate: handler, at: location, omitting: results)
        }
        return try finish(at: location)
    }

    /// The `Trial` of the record the handler read, or the error of a missing root or `nct_id`.
    private func finish(at location: IngestLocation) throws(IngestError) -> Trial {
        guard handler.sawRoot else {
            throw .missingField(location, format: .clinicalStudyXML, field: "<clinical_study> root element")
        }
        guard let id = TrialID(handler.nctId) else {
            throw .missingField(location, format: .clinicalStudyXML, field: "<nct_id>")
        }
        return handler.finish(id: id)
    }
}

/// The SAX state machine behind `ClinicalStudyXML`: a stack of tags, text captured only inside the
/// leaf elements that `Trial` uses, subtrees of every other element skipped.
final class ClinicalStudyXMLHandler: SAXDelegate {
    /// The tags of the open elements outside skipped subtrees, `stack[depth - 1]` the current one. Fixed:
    /// an element is entered (not skipped) only as a child of the root or of a container, and containers
    /// nest four deep (`location`, `facility`, `address`), so a written depth is at most 6 (a leaf's child,
    /// then skipped). Unsafe memory: the array's uniqueness and bounds checks cost about 10 instructions
    /// an element.
    private let stack = UnsafeMutablePointer<ClinicalStudyTag>.allocate(capacity: ClinicalStudyXMLHandler.stackCapacity)
    private static let stackCapacity = 16
    @exclusivity(unchecked) private var depth = 0
    /// The depth at which a skipped subtree started, or 0.
    @exclusivity(unchecked) private var skipFrom = 0
    /// Whether the text of the current element is being gathered: `SAXDelegate.wantsText`, so libxml2
    /// sends no text events (whitespace between elements, text of skipped elements) while it is false.
    private var capturing: Bool {
        @inline(__always) get { wantsText }
        @inline(__always) set { wantsText = newValue }
    }
    @exclusivity(unchecked) private var text = TextBuffer(capacity: 1 << 16)
    @exclusivity(unchecked) private var cache = TagCache()
    private var cacheGeneration = -1

    private(set) var sawRoot = false
    private(set) var nctId = ""
    @exclusivity(unchecked) private var trial = Trial(id: ClinicalStudyXMLHandler.placeholder)
    @exclusivity(unchecked) private var arm = ArmGroup()
    @exclusivity(unchecked) private var intervention = Intervention()
    @exclusivity(unchecked) private var outcome = Outcome()
    @exclusivity(unchecked) private var official = Official()
    @exclusivity(unchecked) private var location = Location()

    private static let placeholder = TrialID("placeholder") ?? { preconditionFailure("TrialID") }()

    deinit {
        stack.deallocate()
    }

    func reset(source: RecordSource) {
        depth = 0
        skipFrom = 0
        capturing = false
        sawRoot = false
        nctId = ""
        text.removeAll()
        trial = Trial(id: ClinicalStudyXMLHandler.placeholder, registry: "ClinicalTrials.gov", source: source)
    }

    func finish(id: TrialID) -> Trial {
        // Moved out and replaced by the placeholder: `var result = trial` copied it (a retain and a
        // release of each of its strings and arrays).
        var result = Trial(id: ClinicalStudyXMLHandler.placeholder)
        swap(&result, &trial)
        result.id = id
        if result.countries.isEmpty {
            for location in result.locations where !location.country.isEmpty { result.countries.append(location.country) }
        }
        result.countries = uniqued(result.countries)
        let split = CriteriaSplitter.split(result.eligibility.criteria)
        result.eligibility.inclusion = split.inclusion
        result.eligibility.exclusion = split.exclusion
        return result
    }

    override func startDocument(generation: Int) {
        if generation != cacheGeneration {
            cache.reset()
            cacheGeneration = generation
        }
    }

    override func startElement(_ name: UnsafePointer<UInt8>) {
        depth += 1
        if skipFrom != 0 { return }
        // Deeper than the roles allow (see `stack`): skipped rather than trusted, so that no input can
        // reach past the stack.
        guard depth <= ClinicalStudyXMLHandler.stackCapacity else {
            skipFrom = depth
            return
        }
        let tag = cache.tag(name)
        let parent: ClinicalStudyTag = depth >= 2 ? stack[depth - 2] : .other
        stack[depth - 1] = tag
        switch role(of: tag, in: parent, depth: depth) {
        case .skip:
            skipFrom = depth
        case .container:
            open(tag)
        case .leaf:
            capturing = true
            text.removeAll()
        }
    }

    override func endElement() {
        defer { depth -= 1 }
        if skipFrom != 0 {
            if depth == skipFrom { skipFrom = 0 }
            return
        }
        let tag = stack[depth - 1]
        let parent: ClinicalStudyTag = depth >= 2 ? stack[depth - 2] : .other
        if capturing {
            capturing = false
            text.withBytes { assign(tag, in: parent, $0) }
        } else {
            close(tag, in: parent)
        }
    }

    override func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        if capturing { text.append(bytes) }
    }

    private enum Role { case skip, container, leaf }

    /// What an element is to `Trial`, given its parent.
    private func role(of tag: ClinicalStudyTag, in parent: ClinicalStudyTag, depth: Int) -> Role {
        if depth == 1 {
            if tag == .clinicalStudy { sawRoot = true; return .container }
            return .skip
        }
        return ClinicalStudyXMLHandler.role(of: tag, in: parent)
    }

    /// Whether the handler reads an element `tag` that is a child of the root `clinical_study`: every
    /// other child is skipped, so `UnreadElements` may leave it out of the parse.
    static func readsRootChild(_ tag: ClinicalStudyTag) -> Bool {
        role(of: tag, in: .clinicalStudy) != .skip
    }

    /// What an element below the root is to `Trial`, given its parent.
    private static func role(of tag: ClinicalStudyTag, in parent: ClinicalStudyTag) -> Role {
        switch (parent, tag) {
        case (.clinicalStudy, .idInfo), (.clinicalStudy, .sponsors), (.clinicalStudy, .briefSummary),
             (.clinicalStudy, .detailedDescription), (.clinicalStudy, .studyDesignInfo),
             (.clinicalStudy, .primaryOutcome), (.clinicalStudy, .secondaryOutcome),
             (.clinicalStudy, .armGroup), (.clinicalStudy, .intervention), (.clinicalStudy, .eligibility),
             (.clinicalStudy, .overallOfficial), (.clinicalStudy, .location),
             (.clinicalStudy, .locationCountries), (.clinicalStudy, .conditionBrowse),
             (.clinicalStudy, .interventionBrowse),
             (.sponsors, .leadSponsor), (.sponsors, .collaborator), (.eligibility, .criteria),
             (.location, .facility), (.facility, .address):
            return .container
        case (.clinicalStudy, .briefTitle), (.clinicalStudy, .acronym), (.clinicalStudy, .officialTitle),
             (.clinicalStudy, .overallStatus), (.clinicalStudy, .startDate), (.clinicalStudy, .completionDate),
             (.clinicalStudy, .phase), (.clinicalStudy, .studyType), (.clinicalStudy, .enrollment),
             (.clinicalStudy, .condition), (.clinicalStudy, .keyword), (.clinicalStudy, .studyFirstPosted),
             (.clinicalStudy, .firstreceivedDate), (.clinicalStudy, .lastUpdatePosted),
             (.clinicalStudy, .lastchangedDate),
             (.idInfo, .orgStudyId), (.idInfo, .secondaryId), (.idInfo, .nctId), (.idInfo, .nctAlias),
             (.leadSponsor, .agency), (.collaborator, .agency),
             (.briefSummary, .textblock), (.detailedDescription, .textblock), (.criteria, .textblock),
             (.studyDesignInfo, .allocation), (.studyDesignInfo, .interventionModel),
             (.studyDesignInfo, .primaryPurpose), (.studyDesignInfo, .masking),
             (.studyDesignInfo, .observationalModel), (.studyDesignInfo, .timePerspective),
             (.primaryOutcome, .measure), (.primaryOutcome, .timeFrame), (.primaryOutcome, .description),
             (.secondaryOutcome, .measure), (.secondaryOutcome, .timeFrame), (.secondaryOutcome, .description),
             (.armGroup, .armGroupLabel), (.armGroup, .armGroupType), (.armGroup, .description),
             (.intervention, .interventionType), (.intervention, .interventionName),
             (.intervention, .description), (.intervention, .armGroupLabel), (.intervention, .otherName),
             (.eligibility, .gender), (.eligibility, .minimumAge), (.eligibility, .maximumAge),
             (.eligibility, .healthyVolunteers),
             (.overallOfficial, .lastName), (.overallOfficial, .role), (.overallOfficial, .affiliation),
             (.facility, .name), (.address, .city), (.address, .state), (.address, .country),
             (.locationCountries, .country), (.conditionBrowse, .meshTerm), (.interventionBrowse, .meshTerm):
            return .leaf
        default:
            return .skip
        }
    }

    private func open(_ tag: ClinicalStudyTag) {
        switch tag {
        case .armGroup: arm = ArmGroup()
        case .intervention: intervention = Intervention()
        case .primaryOutcome, .secondaryOutcome: outcome = Outcome()
        case .overallOfficial: official = Official()
        case .location: location = Location()
        default: break
        }
    }

    private func close(_ tag: ClinicalStudyTag, in parent: ClinicalStudyTag) {
        switch tag {
        case .armGroup: trial.armGroups.append(arm)
        case .intervention: trial.interventions.append(intervention)
        case .primaryOutcome: trial.primaryOutcomes.append(outcome)
        case .secondaryOutcome: trial.secondaryOutcomes.append(outcome)
        case .overallOfficial: trial.officials.append(official)
        case .location: trial.locations.appendWithRoomForEight(location)
        default: break
        }
    }

    /// The `Trial` dates, by the tags that hold them.
    private enum DateField { case start, completion, firstPosted, lastUpdated }

    private static func dateField(_ tag: ClinicalStudyTag) -> DateField? {
        switch tag {
        case .startDate: return .start
        case .completionDate: return .completion
        case .studyFirstPosted, .firstreceivedDate: return .firstPosted
        case .lastUpdatePosted, .lastchangedDate: return .lastUpdated
        default: return nil
        }
    }

    private func setDate(_ field: DateField, _ date: PartialDate?) {
        switch field {
        case .start: trial.startDate = date
        case .completion: trial.completionDate = date
        case .firstPosted: trial.firstPosted = date
        case .lastUpdated: trial.lastUpdated = date
        }
    }

    /// Stores the text of a leaf element.
    private func assign(_ tag: ClinicalStudyTag, in parent: ClinicalStudyTag, _ raw: UnsafeBufferPointer<UInt8>) {
        switch tag {
        case .textblock:
            let value = TextNormalizer.paragraphs(raw)
            switch parent {
            case .briefSummary: trial.briefSummary = value
            case .detailedDescription: trial.detailedDescription = value
            default: trial.eligibility.criteria = value
            }
            return
        case .description:
            let value = TextNormalizer.paragraphs(raw)
            switch parent {
            case .armGroup: arm.description = value
            case .intervention: intervention.description = value
            default: outcome.description = value
            }
            return
        default:
            break
        }
        // Dates parsed from the bytes when `line` would copy them as they are (no `String` made).
        let date = ClinicalStudyXMLHandler.dateField(tag)
        if let date, TextNormalizer.isNormalShortLine(raw) {
            setDate(date, RegistryDate.parse(raw))
            return
        }
        let value = TextNormalizer.line(raw)
        guard !value.isEmpty else { return }
        if let date {
            setDate(date, RegistryDate.parse(value))
            return
        }
        switch tag {
        case .nctId: nctId = value
        case .orgStudyId, .secondaryId, .nctAlias: trial.secondaryIds.appendWithRoomForEight(value)
        case .briefTitle: trial.briefTitle = value
        case .acronym: trial.acronym = value
        case .officialTitle: trial.officialTitle = value
        case .agency:
            if parent == .leadSponsor { trial.leadSponsor = value } else { trial.collaborators.appendWithRoomForEight(value) }
        case .overallStatus: trial.overallStatus = Vocabulary.status(value)
        case .phase: trial.phases.append(contentsOf: Vocabulary.phases(value))
        case .studyType: trial.studyType = Vocabulary.studyType(value)
        case .enrollment: trial.enrollment = Int(value)
        case .condition: trial.conditions.appendWithRoomForEight(value)
        case .keyword: trial.keywords.appendWithRoomForEight(value)
        case .allocation: trial.design.allocation = value
        case .interventionModel: trial.design.interventionModel = value
        case .primaryPurpose: trial.design.primaryPurpose = value
        case .masking: trial.design.masking = value
        case .observationalModel: trial.design.observationalModel = value
        case .timePerspective: trial.design.timePerspective = value
        case .measure: outcome.measure = value
        case .timeFrame: outcome.timeFrame = value
        case .armGroupLabel:
            if parent == .armGroup { arm.label = value } else { intervention.armGroupLabels.append(value) }
        case .armGroupType: arm.type = value
        case .interventionType: intervention.type = Vocabulary.titleWords(value)
        case .interventionName: intervention.name = value
        case .otherName: intervention.otherNames.append(value)
        case .gender: trial.eligibility.sex = Vocabulary.sex(value)
        case .minimumAge:
            // Read once: `AgeLimit.published` is the text when `years` reads an age, else "".
            let years = AgeLimit.years(value)
            trial.eligibility.minimumAgeYears = years
            trial.eligibility.minimumAge = years == nil ? "" : value
        case .maximumAge:
            let years = AgeLimit.years(value)
            trial.eligibility.maximumAgeYears = years
            trial.eligibility.maximumAge = years == nil ? "" : value
        case .healthyVolunteers: trial.eligibility.healthyVolunteers = Vocabulary.yesNo(value)
        case .lastName: official.name = value
        case .role: official.role = value
        case .affiliation: official.affiliation = value
        case .name: location.facility = value
        case .city: location.city = value
        case .state: location.state = value
        case .country:
            if parent == .address { location.country = value } else { trial.countries.appendWithRoomForEight(value) }
        case .meshTerm:
            if parent == .conditionBrowse { trial.conditionMeshTerms.appendWithRoomForEight(value) }
            else { trial.interventionMeshTerms.appendWithRoomForEight(value) }
        default: break
        }
    }
}

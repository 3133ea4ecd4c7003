import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Receives the SAX events of one XML document. Subclasses (`ClinicalStudyXMLHandler`,
/// `ICTRPTrialHandler`) override the three events; the names and text are libxml2's buffers, valid
/// only during the call.
class SAXDelegate {
    /// Whether the delegate wants text events now. The parser reads it when a document starts and
    /// after each element event, and while it is false unhooks libxml2's text callbacks, so libxml2
    /// sends no event for the whitespace between elements or the text of elements the delegate skips
    /// (more than half of a registry record's text events). A delegate that never sets it gets every
    /// text event.
    final var wantsText = true

    /// A document starts. `generation` changes whenever the parser replaced its context, which
    /// invalidates any cache keyed by name pointers.
    func startDocument(generation: Int) {}
    /// An element starts; `name` is the NUL-terminated local name, interned in the parser's dictionary
    /// (the same pointer for the same name while one `SAXParser` lives, so it may key a cache).
    func startElement(_ name: UnsafePointer<UInt8>) {}
    func endElement() {}
    /// Text content (possibly in several pieces per element), entity and character references already
    /// replaced by their text.
    func characters(_ text: UnsafeBufferPointer<UInt8>) {}
}

/// libxml2's SAX2 parser, fenced off: the one place where libxml2 is called and where its errors become
/// `IngestError`s.
///
/// Wraps `xmlNewParserCtxt`, `xmlCtxtReadMemory` and `xmlFreeParserCtxt`. One parser per worker thread,
/// reused for every document (the context and its name dictionary are recycled; it is replaced after
/// `recycleAfter` documents so a hostile stream of distinct names cannot grow the dictionary forever).
/// Parsing options: `XML_PARSE_NONET` (no network), no `XML_PARSE_NOENT` (external entities are not
/// loaded), no `XML_PARSE_DTDLOAD`/`DTDATTR`/`DTDVALID` (no external DTD is loaded). libxml2 still
/// records the entities that a document's internal subset declares and expands *internal* ones in
/// SAX mode ("expat compatibility"), which lets a 40 KB file expand to 50 MB of text (the quadratic
/// blow-up; billion-laughs nesting is caught by libxml2's own amplification check). No registry
/// declares entities, so the first entity declaration (`<!ENTITY …>`, general or parameter) stops
/// the parse with an error: every entity reference but the five predefined ones and character
/// references is then an error, and nothing is ever expanded or loaded.
/// On request (`joiningLineEnds`), libxml2 is handed a copy of the document in which every CR LF pair,
/// and every other CR, is an LF: the same document to XML (§2.11: a parser turns CR LF and a lone CR
/// into LF before anything else; two steps, so CR CR LF is two line ends), but libxml2 2.9's fast text
/// loop stops at a CR that does not start a CR LF pair or at a CR LF followed by another CR (a blank
/// line in a CRLF file), and parses the rest of that text a character at a time (`xmlCurrentChar`,
/// about 70 instructions a character against 4 a byte): 87 % of the characters of ClinicalTrials.gov
/// records that took that slow path did so after a blank CRLF line.
/// Errors are found on the error path only, from the bytes as published (`XMLErrorPlace`): a byte
/// that is not UTF-8 comes first, and lines are counted at lone CRs, so a record and its line-end
/// twin fail with the same kind of error on the same line.
/// The context pointer never leaves this object; `deinit` frees it.
final class SAXParser {
    private var context: xmlParserCtxtPtr
    private var documents = 0
    private var generation = 0
    private let maxDepth: Int
    @exclusivity(unchecked) private var depth = 0
    /// The delegate of the document being parsed (nil between documents). Unmanaged: `parse` holds the
    /// delegate for the whole parse, and the callbacks must not pay a retain and a release per event
    /// (an `unowned(unsafe)` reference still paid them around each call, about 9 million per 10,000
    /// records); they reach it through `withDelegate`.
    @exclusivity(unchecked) private var delegate: Unmanaged<SAXDelegate>?
    /// The first error libxml2 reported for the current document, or the depth limit.
    private var firstError: (message: String, line: Int)?
    private var depthExceeded = false
    /// Whether the context's text callbacks are hooked (see `SAXDelegate.wantsText`).
    @exclusivity(unchecked) private var textEvents = true
    /// The copy of a document that libxml2 parses when a range is left out or line ends are joined
    /// (see `parse(…omitting:joiningLineEnds:)`).
    private var document = TextBuffer(capacity: 1 << 16)
    /// Whether the last `parse(…omitting:joiningLineEnds:)` handed libxml2 a copy that differs from the
    /// bytes as published (line ends joined, references or an omitted range's line ends dropped, blanks
    /// a comment appended: `endPadding`), so that a caller may parse the bytes as published again to report an error.
    private(set) var joinedLineEnds = false
    /// Whether the document being parsed is a copy with line-end references dropped (see `parse`), and
    /// whether libxml2 reported a CDATA section in it (where a reference is text: the parse then fails,
    /// for the caller's parse of the bytes as published).
    @exclusivity(unchecked) private var droppedReferences = false
    @exclusivity(unchecked) private var sawCDATA = false
    /// The markers of the `unread` ranges in the current document (see `parse`), the ones libxml2
    /// reported in order as children of the root element, and every processing instruction it reported.
    @exclusivity(unchecked) private var markerCount = 0
    @exclusivity(unchecked) private var markersSeen = 0
    @exclusivity(unchecked) private var instructions = 0
    /// Whether the last `parse` left out every `unread` range it was given and libxml2 proved each one a
    /// child of the root element (see `parse`); false when it was given none.
    private(set) var leftOutUnread = false
    /// The delegate of an error's re-parse (see `failure`): no event wanted.
    private let ignoring: SAXDelegate = {
        let delegate = SAXDelegate()
        delegate.wantsText = false
        return delegate
    }()

    static let recycleAfter = 4096

    /// The comment appended to the copy of a document parsed with `joiningLineEnds` (when it applies):
    /// `<!--`, 249 `x`, `-->`, 256 bytes, more than libxml2 2.9's `INPUT_CHUNK` (250), the distance from
    /// the input's end below which each of its `GROW` checks (at every tag, text run and loop turn) calls
    /// `xmlGROW` (about 270 instructions; some 38 calls a ClinicalTrials.gov record, whose last 250 bytes
    /// are its last elements). A comment after the root element is `Misc`, which `xmlParseMisc` skips
    /// with no event (no comment callback) and no error, at about 5 instructions a byte (256 spaces cost
    /// about 19 a byte in `xmlSkipBlankChars`). A document that ends early still fails: libxml2 reads
    /// nothing past a NUL byte; the comment's `<` is an error in a tag or an attribute value, its `--` in
    /// a comment, and it ends no processing instruction, CDATA section or document type declaration; the
    /// error is reported from the bytes as published (`joinedLineEnds`).
    static let endPadding: [UInt8] = Array("<!--".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 249)
        + Array("-->".utf8)

    /// The processing instruction put in the place of the `i`-th `unread` range: `<?ts-cut-i?>`
    /// (a target and no data: libxml2 allocates nothing for it), and its target, NUL-terminated.
    static let markers: [[UInt8]] = (0..<UnreadElements.maxRanges).map { Array("<?ts-cut-\($0)?>".utf8) }
    private static let markerTargets: [[UInt8]] = (0..<UnreadElements.maxRanges).map { Array("ts-cut-\($0)".utf8) + [0] }

    init(maxDepth: Int) {
        precondition(maxDepth > 0, "maxDepth \(maxDepth)")
        _ = SAXParser.libraryInitialized
        self.maxDepth = maxDepth
        self.context = SAXParser.makeContext()
    }

    deinit {
        xmlFreeParserCtxt(context)
    }

    /// Parses the document `bytes`, sending its events to `delegate`.
    /// - Parameters:
    ///   - encoding: the document's encoding when the bytes lack their XML declaration (a record cut
    ///     out of a larger file), else nil to detect it.
    ///   - firstLine: the line of the file on which `bytes` start, so error lines are the file's.
    ///   - omitting: a range of `bytes` left out of the parse (an element the caller does not read);
    ///     its line ends are kept (unless `joiningLineEnds`), so error lines stay the file's.
    ///   - joiningLineEnds: parse each CR LF pair and each other CR (outside `omitting`) as an LF (see
    ///     the type's comment), when `encoding` is nil and the document starts with `<` and a byte other
    ///     than 0 (an encoding in which CR and LF are those bytes: not UTF-16 or UTF-32); in such a
    ///     document without a CR, drop each `&#xD;` reference that stands before an LF and after a byte
    ///     other than `;` and CR (the 2022–2023 dumps' line ends: a CR LF pair in text is the LF's one line
    ///     end to `TextNormalizer`, and each reference cost libxml2 about 270 instructions and split the
    ///     text events; a CDATA section, where the reference would be text, fails the parse); and leave
    ///     `omitting` out without keeping its line ends (counting them cost about 0.3 % of a zip build's
    ///     instructions); and append the comment `endPadding`. The events are the same but for the white space
    ///     where `omitting` was; an
    ///     error's line and message may not be (libxml2 quotes the bytes at a bad character), so a caller
    ///     reports errors from a parse without it (`joinedLineEnds` says whether it applied).
    ///   - unread: ranges of `bytes` (in order, disjoint, outside `omitting`: `UnreadElements`) that are
    ///     each a run of elements the delegate skips, found on the bytes' layout. Left out when
    ///     `joiningLineEnds` applies (as `omitting`, line ends not kept), each replaced by the processing
    ///     instruction `markers[i]`; `leftOutUnread` then says whether libxml2 reported each marker, in
    ///     order, as a child of the root element (the parser's depth 1: not in a comment, a CDATA section,
    ///     an attribute or a deeper element) and no other processing instruction: only then are the events
    ///     those of the document (but for the skipped elements' own), else the caller parses it again
    ///     without them. Inside the ranges nothing is checked (well-formedness, UTF-8, depth).
    /// - Throws: when the document fails, from `bytes` as published (see `failure`): `.notUTF8` when
    ///   a document read as UTF-8 has bytes that are not (Latin-1 text in a UTF-8 document), whatever
    ///   else is wrong, at the first bad byte and its line; `.tooDeep` past `maxDepth`;
    ///   `.malformedXML` with libxml2's first error message and its line (the file's, lone CRs
    ///   counted); `.tooLarge` past 2 GiB (libxml2 takes an `int` size).
    func parse(_ bytes: UnsafeRawBufferPointer, delegate: SAXDelegate, encoding: String? = nil,
               at location: IngestLocation, firstLine: Int = 1, omitting: Range<Int>?,
               unread: [Range<Int>] = [], joiningLineEnds: Bool = false) throws(IngestError) {
        var cut = omitting?.clamped(to: 0..<bytes.count)
        if cut?.isEmpty == true { cut = nil }
        let asciiLineEnds = joiningLineEnds && encoding == nil && bytes.count >= 2
            && bytes[0] == UInt8(ascii: "<") && bytes[1] != 0
        let join = asciiLineEnds && SAXParser.containsCR(bytes)
        let dropReferences = asciiLineEnds && !join
        joinedLineEnds = join || (joiningLineEnds && cut != nil)
        droppedReferences = false
        leftOutUnread = false
        let marked = asciiLineEnds && unread.count <= SAXParser.markers.count
            && SAXParser.areOrdered(unread, within: bytes.count, outside: cut)
        markerCount = marked ? unread.count : 0
        markersSeen = 0
        instructions = 0
        defer { markerCount = 0 }
        guard cut != nil || join || dropReferences else {
            guard try run(bytes, delegate: delegate, encoding: encoding, at: location) else { return }
            throw failure(published: bytes, omitting: nil, parsed: bytes, encoding: encoding, at: location, firstLine: firstLine)
        }
        document.removeAll(keepingCapacityUpTo: 64 << 20)
        var dropped = false
        if markerCount > 0 {
            // The pieces between the ranges left out (`cut` without a marker, each `unread` with one).
            var position = 0
            var next = 0
            var resultsPending = cut
            while true {
                let left: Range<Int>
                var marker = -1
                if let results = resultsPending, next == markerCount || results.lowerBound < unread[next].lowerBound {
                    left = results
                    resultsPending = nil
                } else if next < markerCount {
                    left = unread[next]
                    marker = next
                    next += 1
                } else {
                    break
                }
                let piece = UnsafeRawBufferPointer(rebasing: bytes[position..<left.lowerBound])
                if dropReferences {
                    dropped = SAXParser.appendDroppingLineEndReferences(piece, to: &document) || dropped
                } else {
                    SAXParser.append(piece, joiningLineEnds: join, to: &document)
                }
                if marker >= 0 {
                    SAXParser.markers[marker].withUnsafeBufferPointer { document.append($0) }
                }
                position = left.upperBound
            }
            let tail = UnsafeRawBufferPointer(rebasing: bytes[position...])
            if dropReferences {
                dropped = SAXParser.appendDroppingLineEndReferences(tail, to: &document) || dropped
            } else {
                SAXParser.append(tail, joiningLineEnds: join, to: &document)
            }
        } else if let cut {
            let head = UnsafeRawBufferPointer(rebasing: bytes[..<cut.lowerBound])
            let tail = UnsafeRawBufferPointer(rebasing: bytes[cut.upperBound...])
            if dropReferences {
                dropped = SAXParser.appendDroppingLineEndReferences(head, to: &document)
            } else {
                SAXParser.append(head, joiningLineEnds: join, to: &document)
            }
            if !joiningLineEnds {
                // An error's re-parse (ClinicalStudyXML): its LFs and lone CRs, the file's lines.
                document.append(repeating: 0x0A, count: XMLErrorPlace.lineEnds(in: bytes, cut))
            }
            if dropReferences {
                dropped = SAXParser.appendDroppingLineEndReferences(tail, to: &document) || dropped
            } else {
                SAXParser.append(tail, joiningLineEnds: join, to: &document)
            }
        } else if dropReferences {
            dropped = SAXParser.appendDroppingLineEndReferences(bytes, to: &document)
        } else {
            SAXParser.append(bytes, joiningLineEnds: join, to: &document)
        }
        if asciiLineEnds {
            // A comment after the document (see `endPadding`): libxml2's input never comes within
            // `INPUT_CHUNK` bytes of its end inside the root element.
            SAXParser.endPadding.withUnsafeBufferPointer { document.append($0) }
        }
        joinedLineEnds = joinedLineEnds || dropped || asciiLineEnds
        droppedReferences = dropped
        defer { droppedReferences = false }
        try document.withBytes { (copy) throws(IngestError) in
            let parsed = UnsafeRawBufferPointer(copy)
            guard try run(parsed, delegate: delegate, encoding: encoding, at: location) else {
                leftOutUnread = markerCount > 0 && markersSeen == markerCount && instructions == markerCount
                return
            }
            throw failure(published: bytes, omitting: cut, parsed: parsed, encoding: encoding, at: location, firstLine: firstLine)
        }
    }

    /// Parses the document `bytes`, sending its events to `delegate` (see the overload with
    /// `omitting`).
    func parse(_ bytes: UnsafeRawBufferPointer, delegate: SAXDelegate, encoding: String? = nil,
               at location: IngestLocation, firstLine: Int = 1) throws(IngestError) {
        try parse(bytes, delegate: delegate, encoding: encoding, at: location, firstLine: firstLine, omitting: nil)
    }

    /// The error of a document whose `run` failed, from the bytes as published (`XMLErrorPlace`):
    /// in a document read as UTF-8, its first byte that is not UTF-8 (outside `omitting`) before
    /// anything else, on the line of that byte; then the depth limit; then libxml2's first error, on
    /// its line, found again in a copy of `parsed` (the document libxml2 was given) with each lone CR
    /// as LF when there is one (the re-parse sends no event: a delegate that ignores them).
    private func failure(published bytes: UnsafeRawBufferPointer, omitting cut: Range<Int>?,
                         parsed: UnsafeRawBufferPointer, encoding: String?, at location: IngestLocation,
                         firstLine: Int) -> IngestError {
        if XMLErrorPlace.readsAsUTF8(bytes, encoding: encoding),
           let bad = XMLErrorPlace.firstInvalidUTF8(bytes, omitting: cut) {
            return .notUTF8(location.at(line: firstLine + XMLErrorPlace.lineEnds(in: bytes, 0..<bad)), offset: bad)
        }
        if depthExceeded {
            return .tooDeep(location, what: "XML elements", limit: maxDepth)
        }
        guard var error = firstError else {
            return .malformedXML(location, message: "not well formed")
        }
        if error.line > 0, SAXParser.containsCR(parsed), let copy = XMLErrorPlace.loneCRsAsLF(parsed) {
            let failed = copy.withUnsafeBytes { raw in
                (try? run(raw, delegate: ignoring, encoding: encoding, at: location)) ?? false
            }
            if failed, !depthExceeded, let again = firstError { error = again }
        }
        return .malformedXML(location.at(line: error.line > 0 ? firstLine + error.line - 1 : nil), message: error.message)
    }

    /// Runs libxml2 on the document `bytes`, sending its events to `delegate`; true when the document
    /// failed (`firstError`, `depthExceeded`, or libxml2 found it not well formed without an error).
    private func run(_ bytes: UnsafeRawBufferPointer, delegate: SAXDelegate, encoding: String?,
                     at location: IngestLocation) throws(IngestError) -> Bool {
        guard bytes.count < Int(Int32.max) else {
            throw .tooLarge(location, what: "XML document", size: bytes.count, limit: Int(Int32.max))
        }
        if documents >= SAXParser.recycleAfter {
            xmlFreeParserCtxt(context)
            context = SAXParser.makeContext()
            textEvents = true
            documents = 0
            generation += 1
        }
        documents += 1
        self.delegate = Unmanaged.passUnretained(delegate)
        depth = 0
        firstError = nil
        depthExceeded = false
        sawCDATA = false
        defer { self.delegate = nil }
        delegate.startDocument(generation: generation)
        followTextWish(of: delegate)

        let options = Int32(XML_PARSE_NONET.rawValue)
        let unmanaged = Unmanaged.passUnretained(self)
        context.pointee._private = unmanaged.toOpaque()
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        let empty: [CChar] = [0]
        let document: xmlDocPtr? = empty.withUnsafeBufferPointer { emptyBuffer in
            let start = base ?? emptyBuffer.baseAddress
            if let encoding {
                return encoding.withCString {
                    xmlCtxtReadMemory(context, start, Int32(bytes.count), nil, $0, options)
                }
            }
            return xmlCtxtReadMemory(context, start, Int32(bytes.count), nil, nil, options)
        }
        if let document { xmlFreeDoc(document) }
        context.pointee._private = nil

        return depthExceeded || firstError != nil || context.pointee.wellFormed == 0 || (droppedReferences && sawCDATA)
    }

    // MARK: - Callbacks (C function pointers; the context's `_private` is this parser)

    /// Runs `body` with the parser whose context is `ctx`, without retaining it (the parser is alive:
    /// it is inside `parse`).
    @inline(__always)
    private static func withParser(_ ctx: UnsafeMutableRawPointer?, _ body: (SAXParser) -> Void) {
        guard let ctx, let opaque = ctx.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return }
        Unmanaged<SAXParser>.fromOpaque(opaque)._withUnsafeGuaranteedRef(body)
    }

    /// Runs `body` with the current document's delegate, if any, without retaining it.
    @inline(__always)
    private func withDelegate(_ body: (SAXDelegate) -> Void) {
        delegate?._withUnsafeGuaranteedRef(body)
    }

    private static let startElement: startElementNsSAX2Func = { ctx, localname, _, _, _, _, _, _, _ in
        guard let localname else { return }
        withParser(ctx) { parser in
            parser.depth += 1
            if parser.depth > parser.maxDepth {
                if !parser.depthExceeded, let ctx {
                    parser.depthExceeded = true
                    xmlStopParser(ctx.assumingMemoryBound(to: xmlParserCtxt.self))
                }
                return
            }
            parser.withDelegate {
                $0.startElement(localname)
                parser.followTextWish(of: $0)
            }
        }
    }

    private static let endElement: endElementNsSAX2Func = { ctx, _, _, _ in
        withParser(ctx) { parser in
            if parser.depth <= parser.maxDepth {
                parser.withDelegate {
                    $0.endElement()
                    parser.followTextWish(of: $0)
                }
            }
            parser.depth -= 1
        }
    }

    private static let characters: charactersSAXFunc = { ctx, text, length in
        guard let text, length > 0 else { return }
        withParser(ctx) { parser in
            parser.withDelegate { $0.characters(UnsafeBufferPointer(start: text, count: Int(length))) }
        }
    }

    /// A CDATA section's text: noted (see `droppedReferences`), then text as any other.
    private static let cdata: cdataBlockSAXFunc = { ctx, text, length in
        withParser(ctx) { parser in parser.sawCDATA = true }
        characters(ctx, text, length)
    }

    /// A processing instruction: counted, and a marker of an `unread` range (see `parse`) is taken when
    /// it is the next one and a child of the root element.
    private static let processingInstruction: processingInstructionSAXFunc = { ctx, target, _ in
        withParser(ctx) { parser in
            parser.instructions += 1
            guard parser.depth == 1, parser.markersSeen < parser.markerCount, let target else { return }
            let matches = markerTargets[parser.markersSeen].withUnsafeBufferPointer { expected -> Bool in
                for i in expected.indices {
                    if target[i] != expected[i] { return false }
                }
                return true
            }
            if matches { parser.markersSeen += 1 }
        }
    }

    /// Hooks or unhooks the context's text callbacks (`characters`, `cdataBlock`, `ignorableWhitespace`)
    /// to match `delegate.wantsText`. libxml2 checks each callback for NULL before calling it, and its
    /// well-formedness checks of text do not depend on them.
    @inline(__always)
    private func followTextWish(of delegate: SAXDelegate) {
        let wanted = delegate.wantsText
        guard wanted != textEvents, let sax = context.pointee.sax else { return }
        let callback = wanted ? SAXParser.characters : nil
        sax.pointee.characters = callback
        sax.pointee.cdataBlock = wanted ? SAXParser.cdata : nil
        sax.pointee.ignorableWhitespace = callback
        textEvents = wanted
    }

    /// An entity declaration: refused (see the type's comment), before libxml2 records it.
    private static let entityDeclaration: entityDeclSAXFunc = { ctx, name, _, _, _, _ in
        withParser(ctx) { parser in
            guard parser.firstError == nil, let ctx else { return }
            let entity = name.map { String(cString: $0) } ?? ""
            parser.firstError = ("the document declares entity \"\(entity)\"; entity declarations are refused "
                + "(no registry uses them; they enable entity-expansion bombs)",
                Int(xmlSAX2GetLineNumber(ctx)))
            xmlStopParser(ctx.assumingMemoryBound(to: xmlParserCtxt.self))
        }
    }

    private static let structuredError: xmlStructuredErrorFunc = { ctx, error in
        guard let error else { return }
        withParser(ctx) { parser in
            // Warnings (level 1) do not make a document malformed.
            guard error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue, parser.firstError == nil else { return }
            var message = error.pointee.message.map { String(cString: $0) } ?? "libxml2 error \(error.pointee.code)"
            while message.last == "\n" || message.last == " " { message.removeLast() }
            parser.firstError = (message, Int(error.pointee.line))
        }
    }

    /// A context whose SAX handler is ours (only element, text, processing-instruction and error events,
    /// and the entity declaration that stops the parse; no document tree, no DTD handlers).
    private static func makeContext() -> xmlParserCtxtPtr {
        guard let context = xmlNewParserCtxt(), let sax = context.pointee.sax else {
            preconditionFailure("libxml2 could not allocate a parser context (out of memory)")
        }
        var handler = xmlSAXHandler()
        handler.initialized = UInt32(XML_SAX2_MAGIC)
        handler.startElementNs = startElement
        handler.endElementNs = endElement
        handler.characters = characters
        handler.cdataBlock = cdata
        handler.ignorableWhitespace = characters
        handler.serror = structuredError
        handler.entityDecl = entityDeclaration
        handler.processingInstruction = processingInstruction
        sax.pointee = handler
        return context
    }

    /// `xmlInitParser` must run once before threads use libxml2.
    private static let libraryInitialized: Bool = {
        xmlInitParser()
        return true
    }()
}

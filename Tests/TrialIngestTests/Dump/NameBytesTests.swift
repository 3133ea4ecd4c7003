import Testing
@testable import TrialIngest

/// The zip entry names' junk test and the sniffer's root element name, read on bytes, against the
/// `String` readings they replace (kept here).
@Suite struct NameBytesTests {
    /// The `String` reading `ZipArchive.isJunk` had.
    static func junkByString(_ name: String) -> Bool {
        if name.hasPrefix("__MACOSX/") { return true }
        let base = name.split(separator: "/").last ?? Substring(name)
        return base.hasPrefix("._") || base == ".DS_Store"
    }

    static let names = [
        "", "/", "//", "a", "NCT0000xxxx/NCT00000102.xml", "__MACOSX/", "__MACOSX/._a.xml", "__MACOSX", "x/__MACOSX/a",
        "._a.xml", "dir/._a.xml", "dir/._", "._", ".", "._/", "dir/._a/", "dir/._a//", "._a/b", "a/.DS_Store",
        ".DS_Store", ".DS_Store/", ".DS_Storex", "x.DS_Store", "a/.DS_Store/b", "a//.DS_Store", "_.a", "a/_.b",
        // Non-ASCII names take the String reading: a combining mark joins the slash into one Character.
        "._a/\u{301}b", "a/\u{301}._b", "é/._a", "__MACOSX\u{301}/a", "._\u{301}a", "dir/.DS_Store\u{301}",
    ]

    @Test func junkNamesAsTheStringReadingHadThem() {
        for name in Self.names {
            #expect(ZipArchive.isJunk(name) == Self.junkByString(name), "\(name.debugDescription)")
        }
        #expect(ZipArchive.isJunk("__MACOSX/._NCT02691897.json"))
        #expect(ZipArchive.isJunk("trials/._NCT1.xml"))
        #expect(ZipArchive.isJunk("trials/.DS_Store"))
        #expect(!ZipArchive.isJunk("trials/NCT1.xml"))
        #expect(ZipArchive.isJunk("._a/\u{301}b"))  // one part to the String reading
    }

    @Test func rootElementPrefixesAreDroppedAtTheFirstColon() {
        func sniff(_ xml: String) -> FormatSniffer.Kind {
            Array(xml.utf8).withUnsafeBytes { FormatSniffer.sniff($0) }
        }
        #expect(sniff("<?xml version=\"1.0\"?>\n<clinical_study rank=\"1\">") == .clinicalStudyXML)
        #expect(sniff("<ct:clinical_study xmlns:ct=\"x\">") == .clinicalStudyXML)
        #expect(sniff("<a:b:Trial>") == .unrecognized("XML with root element <b:Trial>"))
        #expect(sniff("<ns:Trials_downloaded_from_ICTRP>") == .ictrpExport)
        #expect(sniff("<Trial/>") == .ictrpTrial)
        #expect(sniff("<:Trial>") == .ictrpTrial)
        #expect(sniff("<Trial:>") == .unrecognized("XML with root element <>"))
        #expect(sniff("<study>") == .unrecognized("XML with root element <study>"))
        // Non-ASCII: the String reading, where a colon with a combining mark is not a colon.
        #expect(sniff("<é:Trial>") == .ictrpTrial)
        #expect(sniff("<x:\u{301}Trial>") == .unrecognized("XML with root element <x:\u{301}Trial>"))
    }
}

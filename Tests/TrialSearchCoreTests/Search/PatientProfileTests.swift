import Testing
@testable import TrialSearchCore

/// Age and sex read from the opening words of real patient notes (TREC 2021 topics) and variants.
@Suite struct PatientProfileTests {
    @Test(arguments: [
        ("Patient is a 45-year-old man with a history of anaplastic astrocytoma of the spine", 45.0, SearchFilter.Sex.male),
        ("48 M with a h/o HTN hyperlipidemia, bicuspid aortic valve, and tobacco abuse who presented", 48, .male),
        ("A 32 yo woman who presents following a severe 'exploding' headache. She and her husband", 32, .female),
        ("This is a 44 year old female with PMH of PCOS, Obesity, HTN", 44, .female),
        ("A 6-month-old girl is brought in by her mother", 0.5, .female),
        ("65F with a history of diabetes", 65, .female),
        ("Aged 81, he has had dyspnea for 3 weeks", 81, .male),
        ("The patient, a 70 y/o gentleman, reports chest pain; his wife says", 70, .male),
    ])
    func readsAgeAndSex(text: String, age: Double, sex: SearchFilter.Sex) {
        let profile = PatientProfile(text: text)
        #expect(profile.ageYears == age, "\(text)")
        #expect(profile.sex == sex, "\(text)")
    }

    @Test func unknownWhenTheNoteDoesNotSay() {
        let profile = PatientProfile(text: "Patient with fever and cough for 3 days after travel; smoked for 20 years.")
        #expect(profile.sex == nil)
        #expect(profile.ageYears == nil)
        #expect(PatientProfile(text: "Severe headache, CT negative.").isEmpty)
    }
}

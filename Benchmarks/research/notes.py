"""Reading a patient's case note: boilerplate, abbreviations, negation, demographics.

Every list here is general clinical English, not read off the 75 topics:
- ABBREVIATIONS: common abbreviations of clinical notes, from the usual lists of medical abbreviations
  (e.g. Wikipedia's "List of medical abbreviations", the Joint Commission's and hospitals' discharge-summary
  glossaries); each is expanded into its words, the abbreviation itself is kept.
- NEGATION_TRIGGERS: a subset of NegEx's pre-negation triggers (Chapman et al. 2001, "A simple algorithm
  for identifying negated findings and diseases in discharge summaries"), with NegEx's scope rule: the
  next few words up to a terminating word or punctuation.
- UNITS: SI and clinical units of measure.
"""
import re

import analysis

ABBREVIATIONS = {
    "h/o": "history of", "hx": "history", "pmh": "past medical history", "s/p": "status post",
    "c/o": "complains of", "w/": "with", "y/o": "year old", "yo": "year old", "pt": "patient",
    "dx": "diagnosis", "tx": "treatment", "rx": "prescription", "sx": "symptoms", "fx": "fracture",
    "htn": "hypertension", "dm": "diabetes mellitus", "dmii": "diabetes mellitus type 2",
    "dm2": "diabetes mellitus type 2", "t2dm": "type 2 diabetes mellitus", "t1dm": "type 1 diabetes mellitus",
    "iddm": "insulin dependent diabetes mellitus", "niddm": "non insulin dependent diabetes mellitus",
    "chf": "congestive heart failure", "hf": "heart failure", "cad": "coronary artery disease",
    "mi": "myocardial infarction", "copd": "chronic obstructive pulmonary disease",
    "sob": "shortness of breath", "doe": "dyspnea on exertion", "cp": "chest pain",
    "afib": "atrial fibrillation", "af": "atrial fibrillation", "cva": "cerebrovascular accident stroke",
    "tia": "transient ischemic attack", "ckd": "chronic kidney disease", "esrd": "end stage renal disease",
    "arf": "acute renal failure", "aki": "acute kidney injury", "hd": "hemodialysis",
    "uti": "urinary tract infection", "uri": "upper respiratory infection", "gerd": "gastroesophageal reflux disease",
    "gi": "gastrointestinal", "ugib": "upper gastrointestinal bleeding", "lgib": "lower gastrointestinal bleeding",
    "bph": "benign prostatic hyperplasia", "pvd": "peripheral vascular disease", "pad": "peripheral artery disease",
    "dvt": "deep vein thrombosis", "pe": "pulmonary embolism", "osa": "obstructive sleep apnea",
    "hl": "hyperlipidemia", "hld": "hyperlipidemia", "cabg": "coronary artery bypass graft",
    "pci": "percutaneous coronary intervention", "ef": "ejection fraction", "lv": "left ventricular",
    "rv": "right ventricular", "tte": "transthoracic echocardiogram", "tee": "transesophageal echocardiogram",
    "ekg": "electrocardiogram", "ecg": "electrocardiogram", "cxr": "chest x-ray", "ct": "computed tomography",
    "mri": "magnetic resonance imaging", "abx": "antibiotics", "nsaid": "nonsteroidal anti-inflammatory drug",
    "nsaids": "nonsteroidal anti-inflammatory drugs", "ra": "rheumatoid arthritis",
    "sle": "systemic lupus erythematosus", "ms": "multiple sclerosis", "hiv": "human immunodeficiency virus",
    "hcv": "hepatitis c virus", "hbv": "hepatitis b virus", "hcc": "hepatocellular carcinoma",
    "cll": "chronic lymphocytic leukemia", "aml": "acute myeloid leukemia", "all": "acute lymphoblastic leukemia",
    "cml": "chronic myeloid leukemia", "nhl": "non hodgkin lymphoma", "nsclc": "non small cell lung cancer",
    "sclc": "small cell lung cancer", "bmi": "body mass index", "bp": "blood pressure", "hr": "heart rate",
    "rr": "respiratory rate", "ards": "acute respiratory distress syndrome", "icu": "intensive care unit",
    "ed": "emergency department", "er": "emergency room", "pcos": "polycystic ovary syndrome",
    "ibd": "inflammatory bowel disease", "ibs": "irritable bowel syndrome", "tb": "tuberculosis",
    "mdd": "major depressive disorder", "adhd": "attention deficit hyperactivity disorder",
    "ptsd": "post traumatic stress disorder", "ocd": "obsessive compulsive disorder", "ams": "altered mental status",
    "loc": "loss of consciousness", "n/v": "nausea vomiting", "abd": "abdominal", "le": "lower extremity",
    "ue": "upper extremity", "rle": "right lower extremity", "lle": "left lower extremity", "sah": "subarachnoid hemorrhage",
    "ich": "intracerebral hemorrhage", "vt": "ventricular tachycardia", "svt": "supraventricular tachycardia",
    "mr": "mitral regurgitation", "as": "aortic stenosis", "ar": "aortic regurgitation", "tr": "tricuspid regurgitation",
    "ptx": "pneumothorax", "xrt": "radiation therapy", "chemo": "chemotherapy", "mets": "metastases",
    "ca": "cancer", "bx": "biopsy", "etoh": "alcohol", "ivdu": "intravenous drug use", "ln": "lymph node",
    "hba1c": "glycated hemoglobin", "a1c": "glycated hemoglobin", "ldl": "low density lipoprotein",
    "hdl": "high density lipoprotein", "tsh": "thyroid stimulating hormone", "psa": "prostate specific antigen",
    "wbc": "white blood cell", "rbc": "red blood cell", "hgb": "hemoglobin", "plt": "platelet",
    "inr": "international normalized ratio", "bun": "blood urea nitrogen", "cr": "creatinine",
    "ast": "aspartate aminotransferase", "alt": "alanine aminotransferase", "lft": "liver function tests",
    "lfts": "liver function tests", "cbc": "complete blood count", "ua": "urinalysis", "ivf": "intravenous fluids",
    "po": "by mouth", "iv": "intravenous", "prn": "as needed", "bid": "twice daily", "tid": "three times daily",
    "qd": "daily", "npo": "nothing by mouth", "ng": "nasogastric", "peg": "percutaneous endoscopic gastrostomy",
    "ercp": "endoscopic retrograde cholangiopancreatography", "egd": "esophagogastroduodenoscopy",
    "ards": "acute respiratory distress syndrome", "osteo": "osteoarthritis", "oa": "osteoarthritis",
}

NEGATION_TRIGGERS = [
    "no", "not", "denies", "denied", "deny", "without", "negative for", "no history of", "no evidence of",
    "no signs of", "no sign of", "free of", "absence of", "absent", "ruled out", "rules out", "rule out",
    "never", "unremarkable for", "no complaints of",
]
NEGATION_TERMINATORS = {"but", "however", "although", "though", "except", "which", "who", "presents",
                        "presented", "with", "has", "had", "and"}
NEGATION_WINDOW = 5

UNITS = {"mg", "g", "kg", "mcg", "ug", "ml", "l", "dl", "mmhg", "cm", "mm", "m", "meq", "mmol", "umol",
         "mol", "iu", "u", "units", "bpm", "min", "hr", "hrs", "h", "sec", "s", "c", "f", "lb", "lbs",
         "oz", "kg/m2", "x", "cc", "mm3", "ul", "mcl", "ng", "pg", "nmol", "pmol", "mosm", "mg/dl", "mmol/l"}

_DEID = re.compile(r"\[\*\*[^\]]*\*\*\]")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def clean(text):
    """Removes de-identification markers ([**2148-10-1**])."""
    return _DEID.sub(" ", text)


def expand_abbreviations(text):
    """Appends the expansion after each known abbreviation (case-insensitive, whole words)."""
    def repl(m):
        w = m.group(0)
        exp = ABBREVIATIONS.get(w.lower())
        return "%s (%s)" % (w, exp) if exp else w
    return re.sub(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:/[A-Za-z0-9]+)?(?![A-Za-z0-9])", repl, text)


def negated_spans(text):
    """Character spans of negated text (NegEx-style: trigger then up to NEGATION_WINDOW words)."""
    low = text.lower()
    spans = []
    for trig in NEGATION_TRIGGERS:
        for m in re.finditer(r"(?<![a-z])%s(?![a-z])" % re.escape(trig), low):
            start = m.end()
            # scope: up to WINDOW words, stopped by punctuation or a terminator
            count, pos = 0, start
            for w in re.finditer(r"[a-z0-9]+|[.;:,()!?]", low[start:]):
                tok = w.group(0)
                if tok in ".;:()!?" or tok in NEGATION_TERMINATORS or count >= NEGATION_WINDOW:
                    break
                if tok == ",":
                    # NegEx lists: "no fever, chills or nausea" - a comma continues the scope
                    continue
                count += 1
                pos = start + w.end()
            if pos > start:
                spans.append((start, pos))
    return spans


def remove_negated(text):
    spans = sorted(negated_spans(text))
    out, last = [], 0
    for s, e in spans:
        if s < last:
            s = last
        if e <= s:
            continue
        out.append(text[last:s])
        out.append(" ")
        last = e
    out.append(text[last:])
    return "".join(out)


# ---- demographics --------------------------------------------------------------------------
_AGE_PATTERNS = [
    (re.compile(r"(\d+(?:\.\d+)?)\s*-?\s*(year|yr|month|mo|week|wk|day)s?\s*-?\s*old"), None),
    (re.compile(r"(\d+(?:\.\d+)?)\s*-?\s*(year|yr)s?\b(?!\s*(?:history|ago|of|before|after|later|prior))"), None),
    (re.compile(r"(\d+(?:\.\d+)?)\s*(?:yo|y/o|y\.o\.|yrs?\s*old)\b"), "year"),
    (re.compile(r"\bage[d]?\s*(?:of\s*)?(\d+(?:\.\d+)?)\b"), "year"),
    (re.compile(r"^\s*(\d{1,3})\s*-?\s*(?:m|f|male|female)\b"), "year"),
]
_UNIT_YEARS = {"year": 1.0, "yr": 1.0, "month": 1 / 12, "mo": 1 / 12, "week": 1 / 52.1775, "wk": 1 / 52.1775,
               "day": 1 / 365.25}
_MALE = {"man", "male", "boy", "gentleman", "he", "his", "him", "m", "husband", "father", "son"}
_FEMALE = {"woman", "female", "girl", "lady", "she", "her", "hers", "f", "pregnant", "postmenopausal",
           "wife", "mother", "daughter", "g1p1", "g1"}


def age_years(text):
    low = text.lower()
    best = None
    for pat, unit in _AGE_PATTERNS:
        m = pat.search(low)
        if m and (best is None or m.start() < best[0]):
            u = unit or m.group(2)
            best = (m.start(), float(m.group(1)) * _UNIT_YEARS[u])
    return best[1] if best else None


def sex(text):
    """'male', 'female' or None: the first sexed noun after the age, else a pronoun majority."""
    low = text.lower()
    m = re.search(r"\d\s*(?:yo|y/o|year|yr)?s?\s*-?\s*(?:old)?\s*(m|f)\b", low)
    if m:
        return "male" if m.group(1) == "m" else "female"
    ws = re.findall(r"[a-z0-9]+", low)
    for w in ws[:40]:
        if w in ("man", "male", "boy", "gentleman"):
            return "male"
        if w in ("woman", "female", "girl", "lady"):
            return "female"
    male = sum(1 for w in ws if w in _MALE and w not in ("m",))
    female = sum(1 for w in ws if w in _FEMALE and w not in ("f",))
    if male > female:
        return "male"
    if female > male:
        return "female"
    return None


def excludes(elig, age, sx, slack=0.0):
    """Whether a trial's structured eligibility excludes a patient of `age` years and sex `sx`."""
    if sx and elig["sex"] in ("Male", "Female") and elig["sex"].lower() != sx:
        return True
    if age is not None:
        if elig["min_age"] is not None and age < elig["min_age"] - slack:
            return True
        if elig["max_age"] is not None and age > elig["max_age"] + slack:
            return True
    return False


def query_terms(text, abbrev=False, negation=False, deid=True):
    """The analyzed terms of a note, in order, after the chosen cleaning steps."""
    if deid:
        text = clean(text)
    if negation:
        text = remove_negated(text)
    if abbrev:
        text = expand_abbreviations(text)
    return analysis.tokens(text)


def is_boilerplate(term):
    return bool(_NUMBER.match(term)) or term in UNITS


_boiler_ids = {}


def is_boilerplate_id(idx, j):
    """is_boilerplate for a term id of `idx` (memoized)."""
    b = _boiler_ids.get(j)
    if b is None:
        if not hasattr(idx, "_inv_vocab"):
            idx._inv_vocab = {v: k for k, v in idx.vocab.items()}
        b = is_boilerplate(idx._inv_vocab[j])
        _boiler_ids[j] = b
    return b

/* sim_omop.c: the simulated cohort as OMOP CDM v5.4 tables (`cohort
 * simulate --format omop`): person, observation_period, drug_exposure,
 * procedure_occurrence, condition_occurrence, measurement, death, and a
 * small synthetic vocabulary (concept, concept_ancestor).  The patients
 * are those of the default format with the same seed; the mapping:
 *
 *   patients      person (gender 8532/8507, year/month/day of birth,
 *                 care_site_id = centre A..E as 1..5); observation_period
 *                 from the patient's earliest record to last_followup;
 *                 death (death_date); measurement: HER2, ER and PR status
 *                 (value_as_concept_id) on primary_dx_date, KPS
 *                 (value_as_number) on bm_dx_date when known;
 *                 condition_occurrence: the primary breast cancer (its
 *                 histology) on primary_dx_date, the brain metastasis on
 *                 bm_dx_date
 *   courses       procedure_occurrence (SRS or FSRT on start_date)
 *   drugs         drug_exposure of the agent's clinical drug;
 *                 drug_exposure_end_date is end_date, or for a line ongoing
 *                 at the last follow-up (end_date missing) last_followup,
 *                 with verbatim_end_date as recorded (missing)
 *   events        mri: procedure_occurrence (MRI of brain); the others:
 *                 condition_occurrence on their date
 *
 * Lesions, doses, volumes and the course an event belongs to are not
 * written.  The vocabulary's concepts are local ones (ids above
 * 2,000,000,000, vocabulary COHORT_SIM) except gender (8532 FEMALE, 8507
 * MALE) and the type concept 32817 (EHR).  Drugs: clinical drug ->
 * ingredient -> HER2 class (antibody-drug conjugate, monoclonal antibody,
 * tyrosine kinase inhibitor) -> HER2-directed therapy; chemotherapy
 * ingredients under their own class.  Conditions: symptomatic radiation
 * necrosis under radiation necrosis of brain.  concept_ancestor holds
 * every ancestor of every concept, the concept itself included (level 0),
 * as the OMOP vocabulary does.  Documented in cohort(1), simulate. */
#include "sim_cohort.h"
#include "date.h"

#define GENDER_F 8532
#define GENDER_M 8507
#define TYPE_EHR 32817
#define L 2000000000LL   /* local concepts */

/* ---- the vocabulary ---- */

typedef struct vconcept {
    int64_t id;
    const char *name, *domain, *cls, *code;
    int64_t parent;      /* 0: none */
    int standard;        /* 'S' or 'C' (classification) */
} vconcept;

/* the concepts, parents before children (in step with the tables below) */
static const vconcept vocab[] = {
    {L + 100, "HER2-directed therapy", "Drug", "Pharmacologic Class", "HER2", 0, 'C'},
    {L + 101, "HER2 antibody-drug conjugate", "Drug", "Pharmacologic Class", "HER2-ADC", L + 100, 'C'},
    {L + 102, "HER2 monoclonal antibody", "Drug", "Pharmacologic Class", "HER2-MAB", L + 100, 'C'},
    {L + 103, "HER2 tyrosine kinase inhibitor", "Drug", "Pharmacologic Class", "HER2-TKI", L + 100, 'C'},
    {L + 104, "Cytotoxic chemotherapy", "Drug", "Pharmacologic Class", "CHEMO", 0, 'C'},
    {L + 111, "ado-trastuzumab emtansine", "Drug", "Ingredient", "T-DM1", L + 101, 'S'},
    {L + 112, "fam-trastuzumab deruxtecan", "Drug", "Ingredient", "T-DXd", L + 101, 'S'},
    {L + 113, "trastuzumab", "Drug", "Ingredient", "trastuzumab", L + 102, 'S'},
    {L + 114, "pertuzumab", "Drug", "Ingredient", "pertuzumab", L + 102, 'S'},
    {L + 115, "lapatinib", "Drug", "Ingredient", "lapatinib", L + 103, 'S'},
    {L + 116, "tucatinib", "Drug", "Ingredient", "tucatinib", L + 103, 'S'},
    {L + 117, "capecitabine", "Drug", "Ingredient", "capecitabine", L + 104, 'S'},
    {L + 118, "paclitaxel", "Drug", "Ingredient", "paclitaxel", L + 104, 'S'},
    {L + 119, "eribulin", "Drug", "Ingredient", "eribulin", L + 104, 'S'},
    {L + 120, "vinorelbine", "Drug", "Ingredient", "vinorelbine", L + 104, 'S'},
    {L + 131, "ado-trastuzumab emtansine 100 MG Injection", "Drug", "Clinical Drug", "T-DM1 100", L + 111, 'S'},
    {L + 132, "fam-trastuzumab deruxtecan 100 MG Injection", "Drug", "Clinical Drug", "T-DXd 100", L + 112, 'S'},
    {L + 133, "trastuzumab 150 MG Injection", "Drug", "Clinical Drug", "trastuzumab 150", L + 113, 'S'},
    {L + 134, "pertuzumab 420 MG Injection", "Drug", "Clinical Drug", "pertuzumab 420", L + 114, 'S'},
    {L + 135, "lapatinib 250 MG Oral Tablet", "Drug", "Clinical Drug", "lapatinib 250", L + 115, 'S'},
    {L + 136, "tucatinib 150 MG Oral Tablet", "Drug", "Clinical Drug", "tucatinib 150", L + 116, 'S'},
    {L + 137, "capecitabine 500 MG Oral Tablet", "Drug", "Clinical Drug", "capecitabine 500", L + 117, 'S'},
    {L + 138, "paclitaxel 6 MG/ML Injection", "Drug", "Clinical Drug", "paclitaxel 6", L + 118, 'S'},
    {L + 139, "eribulin 0.5 MG/ML Injection", "Drug", "Clinical Drug", "eribulin 0.5", L + 119, 'S'},
    {L + 140, "vinorelbine 10 MG/ML Injection", "Drug", "Clinical Drug", "vinorelbine 10", L + 120, 'S'},
    {L + 200, "Stereotactic radiation therapy of brain", "Procedure", "Procedure", "SRT-BRAIN", 0, 'S'},
    {L + 201, "Stereotactic radiosurgery of brain", "Procedure", "Procedure", "SRS", L + 200, 'S'},
    {L + 202, "Fractionated stereotactic radiotherapy of brain", "Procedure", "Procedure", "FSRT", L + 200, 'S'},
    {L + 210, "MRI of brain", "Procedure", "Procedure", "MRI-BRAIN", 0, 'S'},
    {L + 300, "Malignant neoplasm of breast", "Condition", "Clinical Finding", "BC", 0, 'S'},
    {L + 301, "Infiltrating duct carcinoma of breast", "Condition", "Clinical Finding", "IDC", L + 300, 'S'},
    {L + 302, "Lobular carcinoma of breast", "Condition", "Clinical Finding", "ILC", L + 300, 'S'},
    {L + 305, "Secondary malignant neoplasm of brain", "Condition", "Clinical Finding", "BM", 0, 'S'},
    {L + 310, "Radiation necrosis of brain", "Condition", "Clinical Finding", "RN", 0, 'S'},
    {L + 311, "Symptomatic radiation necrosis of brain", "Condition", "Clinical Finding", "SRN", L + 310, 'S'},
    {L + 320, "Local recurrence of treated brain metastasis", "Condition", "Clinical Finding", "LF", L + 305, 'S'},
    {L + 321, "New brain metastasis", "Condition", "Clinical Finding", "DF", L + 305, 'S'},
    {L + 322, "Leptomeningeal metastasis", "Condition", "Clinical Finding", "LEPTO", 0, 'S'},
    {L + 323, "Progression of extracranial disease", "Condition", "Clinical Finding", "SYS", 0, 'S'},
    {L + 400, "HER2 status", "Measurement", "Lab Test", "HER2", 0, 'S'},
    {L + 401, "Estrogen receptor status", "Measurement", "Lab Test", "ER", 0, 'S'},
    {L + 402, "Progesterone receptor status", "Measurement", "Lab Test", "PR", 0, 'S'},
    {L + 403, "Karnofsky performance status", "Measurement", "Clinical Observation", "KPS", 0, 'S'},
    {L + 410, "Positive", "Meas Value", "Answer", "POS", 0, 'S'},
    {L + 411, "Low", "Meas Value", "Answer", "LOW", 0, 'S'},
    {L + 412, "Negative", "Meas Value", "Answer", "NEG", 0, 'S'},
};
#define NVOCAB (sizeof vocab / sizeof vocab[0])

/* in step with the enums of sim_cohort.h */
static const int64_t agent_drug[A_NAGENTS] = {L + 131, L + 132, L + 133, L + 134, L + 135,
                                              L + 136, L + 137, L + 138, L + 139, L + 140};
static const char *const agent_source[A_NAGENTS] = {
    "T-DM1", "T-DXd", "trastuzumab", "pertuzumab", "lapatinib", "tucatinib",
    "capecitabine", "paclitaxel", "eribulin", "vinorelbine"};
static const int64_t event_concept[E_NTYPES] = {L + 210, L + 320, L + 321, L + 322, L + 310, L + 311, L + 323};
static const char *const event_source[E_NTYPES] = {
    "mri", "local_failure", "distant_failure", "leptomeningeal",
    "radionecrosis", "symptomatic_rn", "systemic_progression"};
static const int64_t her2_value[] = {L + 410, L + 411, L + 412};   /* H_POS, H_LOW, H_NEG */
static const int64_t hist_concept[] = {L + 301, L + 302, L + 300};  /* IDC, ILC, other */
static const char *const hist_source[] = {"IDC", "ILC", "other"};

/* ---- the tables ---- */

enum { T_PERSON, T_OBS, T_DRUG, T_PROC, T_COND, T_MEAS, T_DEATH, T_CONCEPT, T_ANCESTOR, T_COUNT };
static const char *const names[T_COUNT] = {
    "person.csv", "observation_period.csv", "drug_exposure.csv", "procedure_occurrence.csv",
    "condition_occurrence.csv", "measurement.csv", "death.csv", "concept.csv", "concept_ancestor.csv"};
static const char *const headers[T_COUNT] = {
    "person_id,gender_concept_id,year_of_birth,month_of_birth,day_of_birth,birth_datetime,"
    "race_concept_id,ethnicity_concept_id,location_id,provider_id,care_site_id,person_source_value,"
    "gender_source_value,gender_source_concept_id,race_source_value,race_source_concept_id,"
    "ethnicity_source_value,ethnicity_source_concept_id\n",
    "observation_period_id,person_id,observation_period_start_date,observation_period_end_date,"
    "period_type_concept_id\n",
    "drug_exposure_id,person_id,drug_concept_id,drug_exposure_start_date,drug_exposure_start_datetime,"
    "drug_exposure_end_date,drug_exposure_end_datetime,verbatim_end_date,drug_type_concept_id,"
    "stop_reason,refills,quantity,days_supply,sig,route_concept_id,lot_number,provider_id,"
    "visit_occurrence_id,visit_detail_id,drug_source_value,drug_source_concept_id,route_source_value,"
    "dose_unit_source_value\n",
    "procedure_occurrence_id,person_id,procedure_concept_id,procedure_date,procedure_datetime,"
    "procedure_end_date,procedure_end_datetime,procedure_type_concept_id,modifier_concept_id,quantity,"
    "provider_id,visit_occurrence_id,visit_detail_id,procedure_source_value,"
    "procedure_source_concept_id,modifier_source_value\n",
    "condition_occurrence_id,person_id,condition_concept_id,condition_start_date,"
    "condition_start_datetime,condition_end_date,condition_end_datetime,condition_type_concept_id,"
    "condition_status_concept_id,stop_reason,provider_id,visit_occurrence_id,visit_detail_id,"
    "condition_source_value,condition_source_concept_id,condition_status_source_value\n",
    "measurement_id,person_id,measurement_concept_id,measurement_date,measurement_datetime,"
    "measurement_time,measurement_type_concept_id,operator_concept_id,value_as_number,"
    "value_as_concept_id,unit_concept_id,range_low,range_high,provider_id,visit_occurrence_id,"
    "visit_detail_id,measurement_source_value,measurement_source_concept_id,unit_source_value,"
    "unit_source_concept_id,value_source_value,measurement_event_id,meas_event_field_concept_id\n",
    "person_id,death_date,death_datetime,death_type_concept_id,cause_concept_id,cause_source_value,"
    "cause_source_concept_id\n",
    "concept_id,concept_name,domain_id,vocabulary_id,concept_class_id,standard_concept,concept_code,"
    "valid_start_date,valid_end_date,invalid_reason\n",
    "ancestor_concept_id,descendant_concept_id,min_levels_of_separation,max_levels_of_separation\n"};

/* n commas: past n - 1 empty (NULL) columns to the next one, or n empty
 * columns at the end of a row */
static char *skip(char *p, int n)
{
    while (n-- > 0) *p++ = ',';
    return p;
}

static char *put_id(char *p, int64_t v)
{
    return sim_put_u64(p, (uint64_t)v);
}

/* id,person_id,concept,date (the start of most event tables) */
static char *event_row(sim_file *f, id_base *ids, uint64_t pid, int64_t concept, int32_t date)
{
    char *p = sim_row(f);
    p = sim_put_u64(p, ids->row++);
    *p++ = ',';
    p = sim_put_u64(p, pid);
    *p++ = ',';
    p = put_id(p, concept);
    *p++ = ',';
    return sim_put_date(p, date);
}

/* a procedure_occurrence or condition_occurrence row: the two tables have
 * their date, three optional columns, the type, five optional columns and
 * the source value at the same places (16 columns) */
static void occurrence(sim_file *f, id_base *ids, uint64_t pid, int64_t concept, int32_t date,
                       const char *source)
{
    char *p = event_row(f, ids, pid, concept, date);
    p = skip(p, 4);
    p = put_id(p, TYPE_EHR);
    p = skip(p, 6);
    p = sim_put_str(p, source);
    p = skip(p, 2);
    sim_end(f, p);
}

/* a measurement with a value concept (value > 0) or a number (value_num >= 0) */
static void measurement(sim_file *f, id_base *ids, uint64_t pid, int64_t concept, int32_t date,
                        int64_t value, int value_num, const char *source)
{
    char *p = event_row(f, ids, pid, concept, date);
    p = skip(p, 3);
    p = put_id(p, TYPE_EHR);
    p = skip(p, 2);
    if (value_num >= 0) p = sim_put_u64(p, (uint64_t)value_num);
    *p++ = ',';
    if (value > 0) p = put_id(p, value);
    p = skip(p, 7);
    p = sim_put_str(p, source);
    p = skip(p, 6);
    sim_end(f, p);
}

static int32_t earliest(const sim_ws *w)
{
    int32_t t = w->primary < w->bm ? w->primary : w->bm;
    for (int k = 0; k < w->nc; k++)
        if (w->c[k].date < t) t = w->c[k].date;
    for (size_t i = 0; i < w->nd; i++)
        if (w->d[i].start < t) t = w->d[i].start;
    for (size_t i = 0; i < w->ne; i++)
        if (w->e[i].date < t) t = w->e[i].date;
    return t;
}

static void write_patient(sim_file *f, const sim_ws *w, uint64_t pid, id_base *ids)
{
    int y, m, d;
    date_to_ymd(w->birth, &y, &m, &d);
    char *p = sim_row(&f[T_PERSON]);
    p = sim_put_u64(p, pid);
    *p++ = ',';
    p = put_id(p, w->sex_f ? GENDER_F : GENDER_M);
    *p++ = ',';
    p = sim_put_u64(p, (uint64_t)y);
    *p++ = ',';
    p = sim_put_u64(p, (uint64_t)m);
    *p++ = ',';
    p = sim_put_u64(p, (uint64_t)d);
    p = sim_put_str(p, ",,0,0,,,");
    p = sim_put_u64(p, (uint64_t)w->center + 1);
    *p++ = ',';
    p = sim_put_u64(p, pid);
    *p++ = ',';
    *p++ = w->sex_f ? 'F' : 'M';
    p = sim_put_str(p, ",0,,0,,0");
    sim_end(&f[T_PERSON], p);

    p = sim_row(&f[T_OBS]);
    p = sim_put_u64(p, ids->row++);
    *p++ = ',';
    p = sim_put_u64(p, pid);
    *p++ = ',';
    p = sim_put_date(p, earliest(w));
    *p++ = ',';
    p = sim_put_date(p, w->lastfu);
    *p++ = ',';
    p = put_id(p, TYPE_EHR);
    sim_end(&f[T_OBS], p);

    if (w->death != NO_DATE) {
        p = sim_row(&f[T_DEATH]);
        p = sim_put_u64(p, pid);
        *p++ = ',';
        p = sim_put_date(p, w->death);
        *p++ = ',';
        *p++ = ',';
        p = put_id(p, TYPE_EHR);
        p = skip(p, 3);
        sim_end(&f[T_DEATH], p);
    }

    measurement(&f[T_MEAS], ids, pid, L + 400, w->primary, her2_value[w->her2], -1, "HER2");
    measurement(&f[T_MEAS], ids, pid, L + 401, w->primary, w->er ? L + 410 : L + 412, -1, "ER");
    measurement(&f[T_MEAS], ids, pid, L + 402, w->primary, w->pr ? L + 410 : L + 412, -1, "PR");
    if (w->kps >= 0) measurement(&f[T_MEAS], ids, pid, L + 403, w->bm, 0, w->kps, "KPS");

    occurrence(&f[T_COND], ids, pid, hist_concept[w->hist], w->primary, hist_source[w->hist]);
    occurrence(&f[T_COND], ids, pid, L + 305, w->bm, "brain metastasis");

    for (int k = 0; k < w->nc; k++)
        occurrence(&f[T_PROC], ids, pid, w->c[k].fsrt ? L + 202 : L + 201, w->c[k].date,
                  w->c[k].fsrt ? "FSRT" : "SRS");

    for (size_t i = 0; i < w->nd; i++) {
        const sim_drug *dr = &w->d[i];
        p = event_row(&f[T_DRUG], ids, pid, agent_drug[dr->agent], dr->start);
        p = skip(p, 2);
        /* a line ongoing at the last follow-up is recorded until then */
        p = sim_put_date(p, dr->end != NO_DATE ? dr->end : w->lastfu);
        p = skip(p, 2);
        p = sim_put_date(p, dr->end);
        *p++ = ',';
        p = put_id(p, TYPE_EHR);
        p = skip(p, 11);
        p = sim_put_str(p, agent_source[dr->agent]);
        p = skip(p, 3);
        sim_end(&f[T_DRUG], p);
    }

    for (size_t i = 0; i < w->ne; i++) {
        const sim_event *e = &w->e[i];
        occurrence(&f[e->type == E_MRI ? T_PROC : T_COND], ids, pid, event_concept[e->type], e->date,
                   event_source[e->type]);
    }
    ids->course += (uint64_t)w->nc;
    ids->lesion += (uint64_t)w->nl;
}

static const vconcept *find(int64_t id)
{
    for (size_t i = 0; i < NVOCAB; i++)
        if (vocab[i].id == id) return &vocab[i];
    return NULL;
}

static void write_vocabulary(sim_file *f)
{
    for (size_t i = 0; i < NVOCAB; i++) {
        const vconcept *c = &vocab[i];
        char *p = sim_row(&f[T_CONCEPT]);
        p = put_id(p, c->id);
        *p++ = ',';
        p = sim_put_str(p, c->name);
        *p++ = ',';
        p = sim_put_str(p, c->domain);
        p = sim_put_str(p, ",COHORT_SIM,");
        p = sim_put_str(p, c->cls);
        *p++ = ',';
        *p++ = (char)c->standard;
        *p++ = ',';
        p = sim_put_str(p, c->code);
        p = sim_put_str(p, ",1970-01-01,2099-12-31,");
        sim_end(&f[T_CONCEPT], p);
        /* the concept itself (level 0) and each of its ancestors */
        int level = 0;
        for (const vconcept *a = c; a; a = a->parent ? find(a->parent) : NULL, level++) {
            p = sim_row(&f[T_ANCESTOR]);
            p = put_id(p, a->id);
            *p++ = ',';
            p = put_id(p, c->id);
            *p++ = ',';
            p = sim_put_u64(p, (uint64_t)level);
            *p++ = ',';
            p = sim_put_u64(p, (uint64_t)level);
            sim_end(&f[T_ANCESTOR], p);
        }
    }
}

const sim_format sim_omop_format = {T_COUNT, names, headers, write_patient, write_vocabulary};

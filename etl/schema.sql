-- The warehouse: one DuckDB file per generation (DESIGN §2). Dimensions, one table per input kind,
-- the load log and the quarantine. Times are local (Asia/Ho_Chi_Minh) TIMESTAMPs without zone.
-- Fact tables have no PRIMARY KEY constraint: their record keys (DESIGN §4.2, listed in etl/kinds.py) are
-- enforced by the loader's upsert, because an index makes bulk loads several times slower in DuckDB.
-- Every fact table carries `row_hash` (content fingerprint for duplicate/update detection) and
-- `load_id` (which load wrote the current version of the row).

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

-- Dimensions -------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS dim_province (
    province_code   VARCHAR PRIMARY KEY,   -- '01'
    name_vi         VARCHAR NOT NULL,      -- 'Thành phố Hà Nội'
    name_short      VARCHAR NOT NULL,      -- 'Hà Nội'
    name_en         VARCHAR,
    name_ascii      VARCHAR,               -- 'Ha Noi'
    region          VARCHAR,
    population      BIGINT,
    population_year INTEGER,
    area_km2        DOUBLE,
    merged_from     VARCHAR,               -- legacy provinces, ';'-separated
    source          VARCHAR,               -- where population and area come from
    lat             DOUBLE,
    lon             DOUBLE
);

CREATE TABLE IF NOT EXISTS dim_commune (
    commune_code  VARCHAR PRIMARY KEY,     -- '00097'
    province_code VARCHAR NOT NULL,
    name_vi       VARCHAR NOT NULL,        -- 'Phường Hồng Hà'
    name_short    VARCHAR NOT NULL,        -- 'Hồng Hà'
    name_ascii    VARCHAR,
    commune_type  VARCHAR,                 -- 'Phường', 'Xã', 'Đặc khu'
    lat           DOUBLE,
    lon           DOUBLE,
    area_km2      DOUBLE
);

-- Legacy (pre-2025) provinces and the 2025 province they now belong to: lets "Bình Dương" find its province.
CREATE TABLE IF NOT EXISTS dim_legacy_province (
    legacy_code   VARCHAR PRIMARY KEY,
    name_vi       VARCHAR NOT NULL,
    name_ascii    VARCHAR,
    province_code VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS dim_field (
    field_code VARCHAR PRIMARY KEY,
    name_vi    VARCHAR NOT NULL,
    name_en    VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS dim_channel (
    channel_code VARCHAR PRIMARY KEY,
    name_vi      VARCHAR NOT NULL,
    name_en      VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS dim_organization (
    organization_code VARCHAR PRIMARY KEY,
    name_vi           VARCHAR NOT NULL,
    name_en           VARCHAR NOT NULL
);

-- Polygons as GeoJSON geometry text (no spatial extension here). level: 'province' | 'commune'.
CREATE TABLE IF NOT EXISTS boundary (
    level       VARCHAR NOT NULL,
    code        VARCHAR NOT NULL,
    geometry    VARCHAR NOT NULL,
    approximate BOOLEAN NOT NULL,
    source      VARCHAR NOT NULL,
    PRIMARY KEY (level, code)
);

-- Facts: one table per input kind ---------------------------------------------------------------

CREATE TABLE IF NOT EXISTS feedback (
    source_system    VARCHAR NOT NULL,
    source_id        VARCHAR NOT NULL,
    received_at      TIMESTAMP NOT NULL,
    channel          VARCHAR NOT NULL,
    province_code    VARCHAR NOT NULL,
    commune_code     VARCHAR,
    address_status   VARCHAR,             -- NULL (codes given), 'resolved', 'ambiguous'
    address_rule     VARCHAR,             -- how a legacy address was converted
    field            VARCHAR,             -- NULL until classified
    field_origin     VARCHAR,             -- 'source' | 'rule' | 'model' | 'correction'
    field_confidence DOUBLE,
    content          VARCHAR,             -- NFC, phone/ID/e-mail masked
    -- Keyed hashes: HMAC-SHA256 (FRONT_PII_KEY) of the +84 form / of the digits, its first 128 bits as a number
    -- (RFC 2104 truncation to half the output; etl.normalise.stored_hash_sql). A number compares and compresses
    -- far cheaper than 64 hex characters (writing 1M opinions: ~0.05 instead of ~0.45 s for this column).
    phone_hash       UHUGEINT,
    id_hash          UHUGEINT,
    status           VARCHAR NOT NULL,
    forwarded_at     TIMESTAMP,
    answered_at      TIMESTAMP,
    resolved_at      TIMESTAMP,
    agency           VARCHAR,
    level            VARCHAR,
    campaign         VARCHAR,
    satisfaction     INTEGER,
    lat              DOUBLE,
    lon              DOUBLE,
    -- derived: content folded for the explorer's search (etl/search_index.py). Stored uncompressed: a search
    -- scans it whole, and compressed text must be decoded first (10M opinions: ~350 instead of ~500 ms, for a
    -- third more disk); the load also writes it faster.
    text_folded      VARCHAR USING COMPRESSION uncompressed,
    row_hash         UBIGINT NOT NULL,
    load_id          VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS activity (
    activity_id        VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,
    level              VARCHAR,
    organization       VARCHAR,
    province_code      VARCHAR NOT NULL,
    commune_code       VARCHAR,
    start_date         DATE NOT NULL,
    end_date           DATE,
    field              VARCHAR,
    title              VARCHAR,
    participants       INTEGER,
    opinions           INTEGER,
    opinions_concluded INTEGER,
    row_hash           UBIGINT NOT NULL,
    load_id            VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS recommendation (
    recommendation_id VARCHAR NOT NULL,
    activity_id       VARCHAR NOT NULL,
    agency            VARCHAR NOT NULL,
    field             VARCHAR,
    content           VARCHAR,
    issued_at         DATE NOT NULL,
    due_at            DATE,
    status            VARCHAR NOT NULL,
    answered_at       DATE,
    implemented_at    DATE,
    resupervised_at   DATE,
    row_hash          UBIGINT NOT NULL,
    load_id           VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS survey_response (
    wave           VARCHAR NOT NULL,
    response_id    VARCHAR NOT NULL,
    interviewed_at DATE,
    province_code  VARCHAR NOT NULL,
    commune_code   VARCHAR,
    mode           VARCHAR,
    sex            VARCHAR,
    age            INTEGER,
    urban          BOOLEAN,
    ethnicity      VARCHAR,
    weight         DOUBLE,
    stratum        VARCHAR,
    psu            VARCHAR,
    stratum_population DOUBLE,             -- first-stage units in the stratum's population (finite-population correction)
    row_hash       UBIGINT NOT NULL,
    load_id        VARCHAR NOT NULL
);

-- Item answers in long form: one row per respondent and answered `q_<code>` item (missing = no row).
CREATE TABLE IF NOT EXISTS survey_answer (
    wave        VARCHAR NOT NULL,
    response_id VARCHAR NOT NULL,
    item        VARCHAR NOT NULL,
    value       DOUBLE NOT NULL
);

CREATE TABLE IF NOT EXISTS membership (
    period        VARCHAR NOT NULL,        -- 'YYYY-MM'
    organization  VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    commune_code  VARCHAR NOT NULL,        -- '' for a province total
    level         VARCHAR NOT NULL,
    setting       VARCHAR NOT NULL,
    members       BIGINT NOT NULL,
    eligible      BIGINT,
    branches      INTEGER,
    cadres        INTEGER,
    row_hash      UBIGINT NOT NULL,
    load_id       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS model_adoption (
    province_code VARCHAR NOT NULL,
    commune_code  VARCHAR NOT NULL,        -- '' for a province-wide model
    model_kind    VARCHAR NOT NULL,
    model_name    VARCHAR NOT NULL,
    adopted_at    DATE NOT NULL,
    status        VARCHAR NOT NULL,
    row_hash      UBIGINT NOT NULL,
    load_id       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS outcome (
    period        VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    commune_code  VARCHAR NOT NULL,        -- '' for a province total
    indicator     VARCHAR NOT NULL,
    value         DOUBLE NOT NULL,
    unit          VARCHAR,
    row_hash      UBIGINT NOT NULL,
    load_id       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS population (
    commune_code VARCHAR NOT NULL,
    population   BIGINT NOT NULL,
    year         INTEGER NOT NULL,
    source       VARCHAR,
    row_hash     UBIGINT NOT NULL,
    load_id      VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS margins (
    province_code VARCHAR NOT NULL,
    dimension     VARCHAR NOT NULL,
    category      VARCHAR NOT NULL,
    population    BIGINT NOT NULL,
    row_hash      UBIGINT NOT NULL,
    load_id       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS correction (
    source_system VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    field         VARCHAR NOT NULL,
    corrected_by  VARCHAR,
    corrected_at  TIMESTAMP NOT NULL,
    row_hash      UBIGINT NOT NULL,
    load_id       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS milestone (
    milestone_id VARCHAR NOT NULL,
    scope        VARCHAR NOT NULL,         -- 'national' or a province code
    title        VARCHAR NOT NULL,
    indicator    VARCHAR,
    target       DOUBLE,
    due_date     DATE NOT NULL,
    owner        VARCHAR,
    result       DOUBLE,
    done_at      DATE,
    row_hash     UBIGINT NOT NULL,
    load_id      VARCHAR NOT NULL
);

-- Case groups (etl/cases.py): opinions of one person on one field in one commune within 14 days; only people
-- who wrote more than once on a field and commune are here (a lone opinion is its own case: etl.cases.cases_sql).
CREATE TABLE IF NOT EXISTS feedback_case (
    source_system VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    case_id       VARCHAR NOT NULL,
    case_size     BIGINT NOT NULL,            -- opinions in the case
    case_channels BIGINT NOT NULL,            -- distinct channels in the case
    who           UHUGEINT NOT NULL,          -- the group: person (keyed hash), field, commune
    field         VARCHAR NOT NULL,
    commune_code  VARCHAR NOT NULL
);

-- Bookkeeping ------------------------------------------------------------------------------------

-- One row per file (or sheet) a load read, refused ones included.
CREATE TABLE IF NOT EXISTS load_log (
    load_id     VARCHAR NOT NULL,
    generation  INTEGER NOT NULL,
    loaded_at   TIMESTAMP NOT NULL,
    path        VARCHAR NOT NULL,          -- as given by the user
    sha256      VARCHAR,                   -- archive name; NULL when the file could not be read at all
    kind        VARCHAR,
    sheet       VARCHAR,
    status      VARCHAR NOT NULL,          -- 'loaded' | 'refused'
    error       VARCHAR,
    rows_read   BIGINT NOT NULL,
    loaded      BIGINT NOT NULL,
    updated     BIGINT NOT NULL,
    duplicates  BIGINT NOT NULL,
    quarantined BIGINT NOT NULL,
    skipped     BIGINT NOT NULL,
    reasons     VARCHAR,                   -- JSON {reason_code: count}
    addresses   VARCHAR,                   -- JSON {resolved, ambiguous, unresolved}
    warnings    VARCHAR                    -- JSON list
);

-- Rows that could not be loaded, with the reason, where they came from and their original values
-- (personal identifiers masked).
CREATE TABLE IF NOT EXISTS quarantine (
    load_id     VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    path        VARCHAR NOT NULL,
    sheet       VARCHAR,
    kind        VARCHAR NOT NULL,
    row_number  BIGINT NOT NULL,           -- line/row in the file as a person counts it (header = its own row)
    reason_code VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,          -- Vietnamese message for a person
    column_name VARCHAR,
    original    VARCHAR NOT NULL           -- JSON of the row's original values, identifiers masked
);

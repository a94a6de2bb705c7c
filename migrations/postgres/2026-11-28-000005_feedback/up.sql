-- The working-day calendar shared by every commune: weekdays are working days unless listed
-- as a holiday (public holidays and bridged days off), and weekend days listed as workdays are
-- worked in exchange. Admins keep it current through the API: Tết moves every year.
CREATE TABLE calendar_days (
    day DATE PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL
);

-- The official days off and swapped working days of 2023-2026, as the government announced them.
INSERT INTO calendar_days (day, kind, name) VALUES
    ('2023-01-02', 'holiday', 'Nghỉ bù Tết Dương lịch'),
    ('2023-01-20', 'holiday', 'Tết Nguyên đán'),
    ('2023-01-23', 'holiday', 'Tết Nguyên đán'),
    ('2023-01-24', 'holiday', 'Tết Nguyên đán'),
    ('2023-01-25', 'holiday', 'Tết Nguyên đán'),
    ('2023-01-26', 'holiday', 'Tết Nguyên đán'),
    ('2023-05-01', 'holiday', 'Ngày Quốc tế Lao động'),
    ('2023-05-02', 'holiday', 'Nghỉ bù Giỗ Tổ Hùng Vương'),
    ('2023-05-03', 'holiday', 'Nghỉ bù Ngày Chiến thắng'),
    ('2023-09-01', 'holiday', 'Quốc khánh'),
    ('2023-09-04', 'holiday', 'Nghỉ bù Quốc khánh'),
    ('2024-01-01', 'holiday', 'Tết Dương lịch'),
    ('2024-02-08', 'holiday', 'Tết Nguyên đán'),
    ('2024-02-09', 'holiday', 'Tết Nguyên đán'),
    ('2024-02-12', 'holiday', 'Tết Nguyên đán'),
    ('2024-02-13', 'holiday', 'Tết Nguyên đán'),
    ('2024-02-14', 'holiday', 'Tết Nguyên đán'),
    ('2024-04-18', 'holiday', 'Giỗ Tổ Hùng Vương'),
    ('2024-04-29', 'holiday', 'Hoán đổi ngày làm việc (làm bù thứ Bảy 04/5/2024)'),
    ('2024-04-30', 'holiday', 'Ngày Chiến thắng'),
    ('2024-05-01', 'holiday', 'Ngày Quốc tế Lao động'),
    ('2024-05-04', 'workday', 'Làm bù cho thứ Hai 29/4/2024'),
    ('2024-09-02', 'holiday', 'Quốc khánh'),
    ('2024-09-03', 'holiday', 'Quốc khánh'),
    ('2025-01-01', 'holiday', 'Tết Dương lịch'),
    ('2025-01-27', 'holiday', 'Tết Nguyên đán'),
    ('2025-01-28', 'holiday', 'Tết Nguyên đán'),
    ('2025-01-29', 'holiday', 'Tết Nguyên đán'),
    ('2025-01-30', 'holiday', 'Tết Nguyên đán'),
    ('2025-01-31', 'holiday', 'Tết Nguyên đán'),
    ('2025-04-07', 'holiday', 'Giỗ Tổ Hùng Vương'),
    ('2025-04-26', 'workday', 'Làm bù cho thứ Sáu 02/5/2025'),
    ('2025-04-30', 'holiday', 'Ngày Chiến thắng'),
    ('2025-05-01', 'holiday', 'Ngày Quốc tế Lao động'),
    ('2025-05-02', 'holiday', 'Hoán đổi ngày làm việc (làm bù thứ Bảy 26/4/2025)'),
    ('2025-09-01', 'holiday', 'Quốc khánh'),
    ('2025-09-02', 'holiday', 'Quốc khánh'),
    ('2026-01-01', 'holiday', 'Tết Dương lịch'),
    ('2026-02-16', 'holiday', 'Tết Nguyên đán'),
    ('2026-02-17', 'holiday', 'Tết Nguyên đán'),
    ('2026-02-18', 'holiday', 'Tết Nguyên đán'),
    ('2026-02-19', 'holiday', 'Tết Nguyên đán'),
    ('2026-02-20', 'holiday', 'Tết Nguyên đán'),
    ('2026-04-27', 'holiday', 'Nghỉ bù Giỗ Tổ Hùng Vương (26/4/2026 là Chủ nhật)'),
    ('2026-04-30', 'holiday', 'Ngày Chiến thắng'),
    ('2026-05-01', 'holiday', 'Ngày Quốc tế Lao động'),
    ('2026-09-01', 'holiday', 'Quốc khánh'),
    ('2026-09-02', 'holiday', 'Quốc khánh');

-- Each commune's feedback deadlines (working days) and how long personal data is kept after an
-- item is closed. Settings, not law: the defaults follow common practice under Nghị định 20/2008.
ALTER TABLE communes ADD COLUMN feedback_classify_days INTEGER NOT NULL DEFAULT 5;
ALTER TABLE communes ADD COLUMN feedback_forward_days INTEGER NOT NULL DEFAULT 5;
ALTER TABLE communes ADD COLUMN feedback_answer_days INTEGER NOT NULL DEFAULT 15;
ALTER TABLE communes ADD COLUMN feedback_retention_months INTEGER NOT NULL DEFAULT 24;

-- Citizen feedback (phản ánh, kiến nghị) about administrative procedures.
CREATE TABLE feedback (
    id BIGSERIAL PRIMARY KEY,
    commune_id BIGINT NOT NULL REFERENCES communes (id),
    tracking_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('phan_anh', 'kien_nghi')),
    subject TEXT NOT NULL,
    content TEXT NOT NULL,
    -- What the public sees instead of `subject` and `content` once published, without personal
    -- details; publishing needs `public_content`.
    public_subject TEXT,
    public_content TEXT,
    procedure_name TEXT,
    resolution_id BIGINT REFERENCES resolutions (id),
    target_id BIGINT REFERENCES targets (id),
    -- Set when the submitter's personal data was erased (its row in feedback_submitters is gone).
    personal_data_erased_at TIMESTAMP,
    allow_publication BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('received', 'classified', 'rejected', 'forwarded', 'in_progress', 'answered', 'published')),
    classification TEXT CHECK (classification IN ('not_accepted', 'official_conduct', 'within_competence', 'outside_competence')),
    reason TEXT,
    forwarded_to TEXT,
    assignee_id BIGINT REFERENCES users (id),
    answer TEXT,
    answered_at TIMESTAMP,
    -- Dates in the commune's calendar.
    received_on DATE NOT NULL,
    classify_by DATE NOT NULL,
    forward_by DATE,
    answer_by DATE,
    -- The next deadline for the current status; NULL when none is pending.
    due_date DATE,
    -- When the item last reached a state the citizen is done with (answered, rejected,
    -- forwarded, published); retention counts from here.
    closed_at TIMESTAMP,
    published_at TIMESTAMP,
    -- Subject, content and procedure folded for officials' search; the public versions folded
    -- for the public search, which must never find what officials removed.
    search_text TEXT NOT NULL,
    public_search_text TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT feedback_tracking_code_key UNIQUE (tracking_code)
);
CREATE INDEX feedback_commune_idx ON feedback (commune_id, status, due_date);
CREATE INDEX feedback_commune_updated_idx ON feedback (commune_id, updated_at, id);
CREATE INDEX feedback_published_idx ON feedback (status, published_at);
CREATE INDEX feedback_retention_idx ON feedback (closed_at) WHERE personal_data_erased_at IS NULL;

-- The submitter's personal data (Nghị định 13/2023/NĐ-CP), apart from the item so that public
-- reads never touch it and erasing it is deleting one row.
CREATE TABLE feedback_submitters (
    feedback_id BIGINT PRIMARY KEY REFERENCES feedback (id),
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT,
    email TEXT
);

-- Every change of an item: who, when, from which status to which, and why.
CREATE TABLE feedback_history (
    id BIGSERIAL PRIMARY KEY,
    feedback_id BIGINT NOT NULL REFERENCES feedback (id),
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT
);
CREATE INDEX feedback_history_item_idx ON feedback_history (feedback_id, id);

-- Each time an official was shown a citizen's personal data.
CREATE TABLE personal_data_reads (
    id BIGSERIAL PRIMARY KEY,
    feedback_id BIGINT NOT NULL REFERENCES feedback (id),
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    request_id TEXT
);
CREATE INDEX personal_data_reads_item_idx ON personal_data_reads (feedback_id, at);

-- Idempotency-Key of submissions: a retry with the same key gets the first answer.
CREATE TABLE idempotency_keys (
    key TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    feedback_id BIGINT NOT NULL REFERENCES feedback (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

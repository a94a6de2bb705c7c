// One portable schema for both backends: only types both support (BigInt, Text, Double, Bool,
// Timestamp). Times are UTC, set from Rust.

diesel::table! {
    communes (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        district -> Nullable<Text>,
        province -> Nullable<Text>,
        feedback_address -> Nullable<Text>,
        feedback_phone -> Nullable<Text>,
        feedback_email -> Nullable<Text>,
        time_zone -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        visits_baseline -> BigInt,
        feedback_classify_days -> Integer,
        feedback_forward_days -> Integer,
        feedback_answer_days -> Integer,
        feedback_retention_months -> Integer,
    }
}

diesel::table! {
    visit_counts (commune_id, day, path) {
        commune_id -> BigInt,
        day -> Date,
        path -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        commune_id -> Nullable<BigInt>,
        action -> Text,
        object_type -> Text,
        object_id -> Text,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
        request_id -> Nullable<Text>,
    }
}

diesel::joinable!(audit_log -> communes (commune_id));
diesel::allow_tables_to_appear_in_same_query!(communes, audit_log);

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        commune_id -> Nullable<BigInt>,
        active -> Bool,
        token_version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(users -> communes (commune_id));
diesel::allow_tables_to_appear_in_same_query!(users, communes);
diesel::allow_tables_to_appear_in_same_query!(users, audit_log);

diesel::table! {
    resolutions (id) {
        id -> BigInt,
        commune_id -> BigInt,
        document_number -> Nullable<Text>,
        title -> Text,
        issuing_body -> Nullable<Text>,
        adopted_on -> Nullable<Date>,
        effective_on -> Nullable<Date>,
        #[sql_name = "abstract"]
        abstract_text -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        year -> Nullable<Integer>,
        status -> Text,
        source -> Nullable<Text>,
        full_text -> Text,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    resolution_sections (id) {
        id -> BigInt,
        resolution_id -> BigInt,
        position -> Integer,
        number -> Text,
        heading -> Text,
        body -> Text,
    }
}

diesel::table! {
    targets (id) {
        id -> BigInt,
        resolution_id -> BigInt,
        number -> Integer,
        text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    measures (id) {
        id -> BigInt,
        target_id -> BigInt,
        position -> Integer,
        label -> Text,
        comparator -> Text,
        value -> Nullable<Double>,
        value_max -> Nullable<Double>,
        unit -> Nullable<Text>,
        direction -> Text,
        needs_review -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    progress_reports (id) {
        id -> BigInt,
        measure_id -> BigInt,
        period -> Text,
        value -> Nullable<Double>,
        achieved -> Nullable<Bool>,
        is_final -> Bool,
        note -> Nullable<Text>,
        reported_by -> Text,
        reported_at -> Timestamp,
    }
}

diesel::table! {
    data_versions (commune_id) {
        commune_id -> BigInt,
        version -> BigInt,
    }
}

diesel::joinable!(resolutions -> communes (commune_id));
diesel::joinable!(resolution_sections -> resolutions (resolution_id));
diesel::joinable!(targets -> resolutions (resolution_id));
diesel::joinable!(measures -> targets (target_id));
diesel::joinable!(progress_reports -> measures (measure_id));
diesel::allow_tables_to_appear_in_same_query!(
    communes,
    resolutions,
    resolution_sections,
    targets,
    measures,
    progress_reports,
    data_versions,
    visit_counts,
);

diesel::table! {
    calendar_days (day) {
        day -> Date,
        kind -> Text,
        name -> Text,
    }
}

diesel::table! {
    feedback (id) {
        id -> BigInt,
        commune_id -> BigInt,
        tracking_code -> Text,
        kind -> Text,
        subject -> Text,
        content -> Text,
        public_subject -> Nullable<Text>,
        public_content -> Nullable<Text>,
        procedure_name -> Nullable<Text>,
        resolution_id -> Nullable<BigInt>,
        target_id -> Nullable<BigInt>,
        personal_data_erased_at -> Nullable<Timestamp>,
        allow_publication -> Bool,
        status -> Text,
        classification -> Nullable<Text>,
        reason -> Nullable<Text>,
        forwarded_to -> Nullable<Text>,
        assignee_id -> Nullable<BigInt>,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        received_on -> Date,
        classify_by -> Date,
        forward_by -> Nullable<Date>,
        answer_by -> Nullable<Date>,
        due_date -> Nullable<Date>,
        closed_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        search_text -> Text,
        public_search_text -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    feedback_submitters (feedback_id) {
        feedback_id -> BigInt,
        name -> Text,
        address -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
    }
}

diesel::table! {
    feedback_history (id) {
        id -> BigInt,
        feedback_id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    personal_data_reads (id) {
        id -> BigInt,
        feedback_id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (key) {
        key -> Text,
        request_hash -> Text,
        feedback_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(feedback -> communes (commune_id));
diesel::joinable!(feedback_submitters -> feedback (feedback_id));
diesel::joinable!(feedback_history -> feedback (feedback_id));
diesel::joinable!(personal_data_reads -> feedback (feedback_id));
diesel::joinable!(idempotency_keys -> feedback (feedback_id));
diesel::allow_tables_to_appear_in_same_query!(feedback, communes);

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

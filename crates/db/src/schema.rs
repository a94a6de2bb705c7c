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

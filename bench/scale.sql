-- Fills an empty, migrated PostgreSQL database with a province-sized platform: 3,300 communes,
-- 33,000 published resolutions with 10 targets (one measure and one final 2023 result each),
-- and 1,000,000 feedback items in every state, with submitters and history. Run by
-- bench/scale.sh; takes a few minutes.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO communes (slug, name, district, province, time_zone, created_at, updated_at)
SELECT 'xa-' || lpad(n::text, 4, '0'), 'Xã số ' || n, 'Huyện ' || (n / 30), 'Tỉnh Thanh Hóa',
       'Asia/Ho_Chi_Minh', now(), now()
FROM generate_series(1, 3300) AS n;

INSERT INTO resolutions (commune_id, title, issuing_body, adopted_on, published_at, year, status,
                         full_text, search_text, created_at, updated_at)
SELECT c.id,
       'Nghị quyết về mục tiêu, phương hướng nhiệm vụ năm ' || (2015 + r) || ' của ' || c.name,
       'Ban chấp hành Đảng bộ ' || c.name,
       make_date(2015 + r, 1, 7), make_timestamp(2015 + r, 3, 13, 7, 51, 27), 2015 + r, 'published',
       'Toàn văn nghị quyết năm ' || (2015 + r),
       'nghi quyet ve muc tieu phuong huong nhiem vu nam ' || (2015 + r) || ' cua xa so ' || c.id ||
         (ARRAY[' nong thon moi', ' chuyen doi so', ' giao thong', ' y te', ' giao duc'])[1 + r % 5],
       now(), now()
FROM communes c CROSS JOIN generate_series(1, 10) AS r;

INSERT INTO targets (resolution_id, number, text, created_at, updated_at)
SELECT r.id, t, 'Chỉ tiêu ' || t || ': tỷ lệ đạt trên ' || (80 + t) || '%', now(), now()
FROM resolutions r CROSS JOIN generate_series(1, 10) AS t;

INSERT INTO measures (target_id, position, label, comparator, value, unit, direction, needs_review,
                      updated_at)
SELECT t.id, 1, 'Tỷ lệ', 'gt', 80 + t.number, '%', 'higher_is_better', false, now()
FROM targets t;

INSERT INTO progress_reports (measure_id, period, value, is_final, reported_by, reported_at)
SELECT m.id, '2023', 78 + (m.id % 10), true, 'editor', now()
FROM measures m;

INSERT INTO feedback (commune_id, tracking_code, kind, subject, content, public_content,
                      allow_publication, status, classification, answer, answered_at,
                      received_on, classify_by, answer_by, due_date, closed_at, published_at,
                      search_text, public_search_text, created_at, updated_at)
SELECT 1 + (n % 3300),
       'PAKN.' || to_char(d, 'YYYYMMDD') || '.' || upper(lpad(to_hex(n), 10, '0')),
       CASE WHEN n % 3 = 0 THEN 'kien_nghi' ELSE 'phan_anh' END,
       'Phản ánh số ' || n || ' về thủ tục chứng thực',
       'Nội dung phản ánh số ' || n || ': hồ sơ nộp đã quá hạn mà chưa có kết quả.',
       CASE WHEN s = 'published' THEN 'Công dân phản ánh hồ sơ quá hạn.' END,
       n % 2 = 0, s,
       CASE WHEN s IN ('received') THEN NULL ELSE 'within_competence' END,
       CASE WHEN s IN ('answered', 'published') THEN 'Đã giải quyết.' END,
       CASE WHEN s IN ('answered', 'published') THEN d + interval '10 days' END,
       d::date, (d + interval '7 days')::date, (d + interval '21 days')::date,
       CASE WHEN s IN ('received', 'classified', 'in_progress') THEN (d + interval '7 days')::date END,
       CASE WHEN s IN ('answered', 'published') THEN d + interval '10 days' END,
       CASE WHEN s = 'published' THEN d + interval '11 days' END,
       'phan anh so ' || n || ' ve thu tuc chung thuc noi dung phan anh ho so nop da qua han',
       CASE WHEN s = 'published' THEN 'phan anh so ' || n || ' cong dan phan anh ho so qua han' END,
       d, d
FROM (
  SELECT n,
         timestamp '2023-01-01' + (n % 1400) * interval '1 day' + (n % 86400) * interval '1 second' AS d,
         (ARRAY['received', 'classified', 'in_progress', 'answered', 'published'])[1 + n % 5] AS s
  FROM generate_series(1, 1000000) AS n
) AS g;

INSERT INTO feedback_submitters (feedback_id, name, address, phone)
SELECT id, 'Nguyễn Văn ' || id, 'Thôn ' || (id % 12), '09' || lpad((id % 100000000)::text, 8, '0')
FROM feedback;

INSERT INTO feedback_history (feedback_id, at, actor, to_status)
SELECT id, created_at, 'citizen', 'received' FROM feedback;
COMMIT;
ANALYZE;

//! Pagination of lists.

use crate::validation::ValidationErrors;

pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;

/// Which slice of a list a client asked for. `per_page` above the maximum is capped, not refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u32,
    per_page: u32,
}

impl PageRequest {
    pub fn parse(page: Option<i64>, per_page: Option<i64>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let page = match page {
            None => 1,
            Some(p) if (1..=i64::from(u32::MAX)).contains(&p) => p as u32,
            Some(_) => {
                errors.add("page", "out_of_range", "page starts at 1");
                1
            }
        };
        let per_page = match per_page {
            None => DEFAULT_PER_PAGE,
            Some(n) if n >= 1 => n.min(i64::from(MAX_PER_PAGE)) as u32,
            Some(_) => {
                errors.add(
                    "per_page",
                    "out_of_range",
                    format!("per_page is 1 to {MAX_PER_PAGE}"),
                );
                DEFAULT_PER_PAGE
            }
        };
        errors.into_result()?;
        Ok(Self { page, per_page })
    }

    pub fn page(&self) -> u32 {
        self.page
    }

    pub fn per_page(&self) -> u32 {
        self.per_page
    }

    pub fn offset(&self) -> i64 {
        (i64::from(self.page) - 1) * i64::from(self.per_page)
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// One page of a list and the size of the whole list.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub request: PageRequest,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_the_first_page_of_twenty() {
        let page = PageRequest::parse(None, None).unwrap_or_default();
        assert_eq!((page.page(), page.per_page(), page.offset()), (1, 20, 0));
    }

    #[test]
    fn caps_per_page_at_one_hundred() {
        let page = PageRequest::parse(Some(3), Some(5000)).unwrap_or_default();
        assert_eq!((page.per_page(), page.offset()), (100, 200));
    }

    #[test]
    fn refuses_page_zero_and_negative_sizes() {
        let errors = PageRequest::parse(Some(0), Some(-1))
            .err()
            .unwrap_or_default();
        let fields: Vec<_> = errors.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["page", "per_page"]);
    }
}

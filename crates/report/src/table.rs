//! A figure's table as the report shows it: parsed from the indicator's own CSV so the report,
//! the xlsx workbook and the CSV file can never disagree, with numeric cells recognised.

use crate::ReportError;

/// One cell: a number when the CSV text parses as one (rates stay fractions), else text.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Number(f64),
    Text(String),
}

impl Cell {
    fn parse(s: &str) -> Cell {
        let t = s.trim();
        // Codes such as "0001" or "+1" are labels, not quantities.
        let label_like = t.is_empty()
            || t.starts_with('+')
            || (t.len() > 1 && t.starts_with('0') && !t.starts_with("0."));
        let numeric = !label_like && t.parse::<f64>().is_ok_and(f64::is_finite);
        if numeric {
            Cell::Number(t.parse().unwrap_or_default())
        } else {
            Cell::Text(s.to_string())
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Number(v) => Some(*v),
            Cell::Text(_) => None,
        }
    }

    /// The text the HTML table shows: integers without decimals, fractions with 4.
    pub fn display(&self) -> String {
        match self {
            Cell::Number(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", *v as i64),
            Cell::Number(v) => format!("{v:.4}"),
            Cell::Text(s) => s.clone(),
        }
    }
}

/// Header plus rows of one figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// One "not available: needs X" reason of a table and the columns it blanks.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Unavailable {
    pub note: String,
    /// Column names as in the table header.
    pub columns: Vec<String>,
    /// Every column but the row label: the whole figure is missing, not some columns.
    pub all: bool,
}

impl Table {
    /// Parses RFC 4180 CSV whose first line is the header; `figure` names it in errors.
    pub fn from_csv(figure: &str, text: &str) -> Result<Table, ReportError> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let bad = |e: csv::Error| ReportError::Table {
            figure: figure.to_string(),
            message: e.to_string(),
        };
        let columns: Vec<String> = rdr
            .headers()
            .map_err(bad)?
            .iter()
            .map(str::to_string)
            .collect();
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(bad)?;
            rows.push(rec.iter().map(Cell::parse).collect());
        }
        Ok(Table { columns, rows })
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The distinct "not available: needs X" cells, in table order, each with the columns it
    /// blanks: what the figure's panel says the dataset lacks.
    pub fn unavailable(&self) -> Vec<Unavailable> {
        let mut notes: Vec<Unavailable> = Vec::new();
        for r in &self.rows {
            for (j, c) in r.iter().enumerate() {
                let t = c.display();
                if !t.starts_with("not available") {
                    continue;
                }
                let i = match notes.iter().position(|n| n.note == t) {
                    Some(i) => i,
                    None => {
                        notes.push(Unavailable {
                            note: t,
                            columns: Vec::new(),
                            all: false,
                        });
                        notes.len() - 1
                    }
                };
                if let Some(name) = self.columns.get(j)
                    && !notes[i].columns.contains(name)
                {
                    notes[i].columns.push(name.clone());
                }
            }
        }
        for n in &mut notes {
            n.all = n.columns.len() + 1 >= self.columns.len();
        }
        notes
    }

    /// Just the reasons of [`Table::unavailable`].
    pub fn unavailable_notes(&self) -> Vec<String> {
        self.unavailable().into_iter().map(|u| u.note).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unavailable_names_the_columns_it_blanks() {
        let na = "not available: needs citation lists";
        let t = Table::from_csv(
            "F4",
            &format!("country,cited,cited_families,family_rate\nCN,3,{na},{na}\nUS,1,{na},{na}\n"),
        )
        .unwrap();
        // Two of the three value columns are blank: a partial panel, not a missing figure.
        let u = t.unavailable();
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].columns, ["cited_families", "family_rate"]);
        assert!(!u[0].all);
        assert_eq!(t.unavailable_notes(), [na]);
        let whole = Table::from_csv("F2", &format!("country,grants\nCN,{na}\n")).unwrap();
        assert!(whole.unavailable()[0].all);
    }

    #[test]
    fn cells_are_typed() {
        let t = Table::from_csv("F", "a,b,c\nCN,12,0.2113\n0012,,\"x,y\"\n").unwrap();
        assert_eq!(t.columns, ["a", "b", "c"]);
        assert_eq!(t.rows[0][1], Cell::Number(12.0));
        assert_eq!(t.rows[0][2].display(), "0.2113");
        assert_eq!(t.rows[1][0], Cell::Text("0012".into()));
        assert_eq!(t.rows[1][1], Cell::Text(String::new()));
        assert_eq!(t.rows[1][2], Cell::Text("x,y".into()));
        assert_eq!(t.column("c"), Some(2));
    }

    #[test]
    fn bad_csv_names_the_figure() {
        let e = Table::from_csv("F9", "a,b\n1,2,3\n").unwrap_err();
        assert!(e.to_string().contains("F9"), "{e}");
    }
}

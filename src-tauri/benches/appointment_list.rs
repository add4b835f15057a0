//! The appointment list the batch benchmarks import: `rows` appointments on
//! `day`, the sampled people over and over.

pub fn appointment_list(people: &[madoguchi_training::SamplePerson], rows: usize, day: chrono::NaiveDate) -> String {
    let mut csv = String::from("予約日時,患者番号,氏名,カナ氏名,生年月日,保険者番号,記号,番号,枝番\n");
    for (i, p) in people.iter().cycle().take(rows).enumerate() {
        csv.push_str(&format!(
            "{day} {}:{:02},P{i:06},{},{},{},{},{},{},{}\n",
            8 + (i / 60) % 10,
            i % 60,
            p.name,
            p.name_kana,
            p.birth_date,
            p.insurer_number,
            p.symbol,
            p.number,
            p.branch
        ));
    }
    csv
}

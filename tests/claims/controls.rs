//! A setting the page hides as not applying (`Control::applies` false) truly changes nothing:
//! moving it to each of its other values leaves every text, number and plotted point the same.

use adaptlab::pages::Lab;

use crate::states::random;

/// What a lab shows, as one comparable string.
fn shown(lab: &mut Lab) -> String {
    let report = lab.compute_all().expect("computes");
    format!("{}|{:?}|{:?}|{}", report.check, report.summaries, report.numbers, lab.figures().csv())
}

#[test]
fn hidden_settings_change_nothing() {
    let mut checked = 0;
    for (view, caps) in [
        ("lora-linear", &[("D", 8)][..]),
        ("lora-training", &[("steps", 200), ("D", 8)][..]),
        ("icl-risk", &[("trials", 200), ("kmax", 5)][..]),
        ("icl-prompt", &[][..]),
    ] {
        for state in random(view, 25, 0x0A99_11E5, caps) {
            let mut lab = Lab::new();
            lab.load(&state);
            let before = shown(&mut lab);
            for control in lab.controls().into_iter().filter(|c| !c.applies) {
                let mut values: Vec<String> = control.options.iter().map(|o| (*o).to_owned()).collect();
                values.extend(control.min.into_iter().chain(control.max).map(|v| format!("{v}")));
                for value in values.into_iter().filter(|v| *v != control.value) {
                    let mut moved = Lab::new();
                    moved.load(&state);
                    moved.set(control.key, &value);
                    if moved.fragment() == state {
                        continue; // the value was refused or repaired back
                    }
                    assert_eq!(
                        shown(&mut moved),
                        before,
                        "#{state}: the hidden setting {} = {value} changed what is shown",
                        control.key
                    );
                    checked += 1;
                }
            }
        }
    }
    eprintln!("{checked} moves of hidden settings checked");
    assert!(checked > 100, "only {checked} moves of hidden settings were checked");
}

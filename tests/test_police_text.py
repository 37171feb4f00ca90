

def test_columns_no_row_fills_are_left_out_of_the_display():
    import pandas as pd
    from ivpanalysis.present import police_text
    shown = pd.DataFrame({"Categorie": ["A", "B"], "Groep": ["", ""], "2019": ["1", "2"],
                          "1e halfjaar": ["", ""], "regio": [None, " "]})
    assert list(police_text.without_empty_columns(shown).columns) == ["Categorie", "Groep", "2019"]

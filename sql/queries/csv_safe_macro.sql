-- Defines csv_safe(text), a temporary macro for the brief's CSV attachments (OWASP "CSV
-- Injection"): text a spreadsheet would run as a formula gets one ' in front, so it shows as
-- text. That is text starting with = + - @ tab or carriage return, after any leading single
-- quotes (so dropping the one ' added always gives the text back). Left as written: a plain
-- number ('-2.7', '+1e5'), which a spreadsheet reads as a number, and a lone '=' (an exact
-- figure's comparator), a formula with nothing to run. flows/warehouse/query.py csv_safe applies the
-- same rule to `barometer query --csv`; tests/unit/test_csv_injection.py holds them equal.
-- The first character is tested before any pattern: most text cannot start a formula.
create or replace temp macro csv_safe(t) as
    case
        when left(t, 1) not in ('''', '=', '+', '-', '@', chr(9), chr(13)) then t
        when regexp_matches(t, '^''*[=+@\t\r-]')
            and not regexp_matches(t, '^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$')
            and t <> '='
            then '''' || t
        else t
    end;

"""Exam-result import from CSV and Excel (.xlsx): parse → validate → write, with a job record.

Module map: ``parsing`` (bytes → table: format, encoding, limits), ``columns`` (header names →
fields, long or wide layout), ``values`` (cell values: dates, sex, identifiers), ``persons``
(match or plan persons), ``validation`` (rows → prepared observations or row problems),
``dedupe`` (source keys; what is already stored), ``writing`` (the one transaction),
``services`` (the job: start, run, finish), ``report`` (the error report), ``template`` (the
downloadable .xlsx template), ``access`` (which jobs a user sees), ``storage`` (encrypted
uploads waiting for the worker). See docs/import.md.
"""

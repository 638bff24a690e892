-- Reporting periods from the first month with data to the latest Stichtag.
select * from {{ ref('int_perioden') }}

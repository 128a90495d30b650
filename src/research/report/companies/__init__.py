"""Each company's competence supply plan (activity 3 and 4): one document per company.

``company_view`` selects the company's own data; ``parts`` shows it in the notebook
``notebooks/company_plan.ipynb``; ``run_company_plans`` (``research plan``) makes the
documents for one company, a network's members or every company with a plan.
"""

from research.report.companies.view import CompanyView, companies_with_plan, company_view

__all__ = ["CompanyView", "companies_with_plan", "company_view"]

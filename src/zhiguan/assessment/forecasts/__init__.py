"""预测预警: weekly and monthly volume forecasts per category and street, and early-warning alerts (issue 13).

The figures come from the pure `assessment.forecast` and `assessment.warning` modules (decision 086);
this app stores them, serves them through the data scope and tells the supervisors.
"""

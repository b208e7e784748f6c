// The guide's churn limit, where monitor's text report has long imported it from.
export { CHURN_PER_SECOND_LIMIT } from '../guide.js';

/** The check run's buttons, as the report renders them (src/report/check-report.ts). */
export { CHECK_RUN_BUTTONS as ACTIONS } from "../report/check-report.js";

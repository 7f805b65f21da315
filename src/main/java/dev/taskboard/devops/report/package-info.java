/**
 * The deployment report: the worker's deployment history from its journal and the board, the DORA
 * figures per environment, and their text, JSON and HTML renderings.
 *
 * <p>The journal says what happened and when (outcome events, and whether a deploy step ran); the
 * board says what each task was (its type, environment, release and {@code created_at}). Only
 * {@link DeploymentReport}, its values and {@link ReportFormat} are public.
 */
package dev.taskboard.devops.report;

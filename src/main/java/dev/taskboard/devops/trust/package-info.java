/**
 * Trust: a decision that lets a deployment proceed counts only when a human signed it with their
 * SSH key and the worker verified it against the operator's allowed signers file.
 *
 * <p>A human's command builds a {@link dev.taskboard.devops.trust.Statement} (a {@link
 * dev.taskboard.devops.trust.Subject} from the worker's records plus the decision, comment and
 * times), finds the key ({@link dev.taskboard.devops.trust.SigningKey}) and signs it ({@link
 * dev.taskboard.devops.trust.Signer}, {@code ssh-keygen -Y sign -n devops-worker}) into a {@link
 * dev.taskboard.devops.trust.SignedBlock} for human-requests.md. The worker loads {@link
 * dev.taskboard.devops.trust.AllowedSigners} and asks the {@link
 * dev.taskboard.devops.trust.Verifier}, which rebuilds the signed bytes from its own records and
 * answers {@link dev.taskboard.devops.trust.Verification}: verified with the signer's name, or
 * refused with one line of why and the command that signs. Nothing else parses approvals.
 */
package dev.taskboard.devops.trust;

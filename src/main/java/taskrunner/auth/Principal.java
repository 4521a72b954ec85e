package taskrunner.auth;

/**
 * Who made a request: the account and user of a valid token. {@code superduper} is true
 * for admin users of the root account (and api_key tokens of the root account).
 */
public record Principal(Account account, User user, String token, boolean superduper) {
    public boolean admin() {
        return superduper || (user != null && user.admin());
    }
}

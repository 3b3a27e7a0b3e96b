package sh.kaiten.domain.admin;

import sh.kaiten.domain.license.License;

/**
 * A license as stored and as a change would make it ({@code after.updatedAt()} is when the change
 * was proposed).
 */
public record LicenseChange(License before, License after) {}

package taskrunner;

import java.util.List;

/** The faces every server speaks, in the order their routes are tried. */
final class Faces {
    private Faces() {}

    static List<FaceModule> standard() {
        return List.of(new taskrunner.kazoo.KazooFace(), new taskrunner.ckan.CkanFace(),
                new taskrunner.entryscape.EntryScapeFace());
    }
}
